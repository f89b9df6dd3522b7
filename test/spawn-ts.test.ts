import { describe, expect, it } from 'vitest'
import { exited, lineReader, runtime, spawnTs } from './spawn-ts'

describe('spawnTs', () => {
  it('runs a TypeScript file importing workspace sources with the current runtime', async () => {
    const child = spawnTs('test/fixtures/hello-child.ts')
    const line = await lineReader(child).next()
    const drivers = {
      bun: ['bun:sqlite'],
      deno: ['node:sqlite'],
      node: ['node:sqlite', 'better-sqlite3'],
    }
    expect(drivers[runtime].map((driver) => `${driver} true`)).toContain(line)
    expect(await exited(child)).toBe(0)
  })
})
