import { describe, expect, it } from 'vitest'
import { jsonLogger } from './json-logger'

describe('jsonLogger', () => {
  it('writes one JSON line per event with time, level and fields', () => {
    const lines: string[] = []
    const log = jsonLogger(
      (line) => lines.push(line),
      () => 0,
    )
    log.info('start', { port: 8080 })
    log.error('delivery', { error: new TypeError('boom') })
    expect(lines).toEqual([
      '{"time":"1970-01-01T00:00:00.000Z","level":"info","msg":"start","port":8080}\n',
      '{"time":"1970-01-01T00:00:00.000Z","level":"error","msg":"delivery","error":{"name":"TypeError","message":"boom"}}\n',
    ])
  })
})
