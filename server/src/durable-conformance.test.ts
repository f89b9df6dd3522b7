import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { levels, runServerSuite } from '@rh/conformance'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type ConformanceHarness,
  describeFailures,
  type Storage,
  startConformanceHarness,
} from '../../test/conformance-harness'
import { testSchema } from '../../test/postgres'
import { postgres } from './postgres/postgres'
import { sqlite } from './sqlite/sqlite'

// The conformance suite, every level, against rh on each durable store: a temporary SQLite file,
// and PostgreSQL on 127.0.0.1:5432 in a schema of its own. The strict instance (SSRF cases) gets
// its own file or schema: it must not claim the permissive instance's deliveries.

const dir = mkdtempSync(join(tmpdir(), 'rh-conformance-'))
const schemas: Awaited<ReturnType<typeof testSchema>>[] = []

const storages: Record<string, (role: string) => Promise<Storage>> = {
  async sqlite(role) {
    const db = sqlite({ path: join(dir, `${role}.db`) })
    return { store: db.store, queue: db.queue }
  },
  async postgres() {
    const db = await testSchema()
    schemas.push(db)
    // Its own wake-up channel too, so the two instances do not wake each other for nothing.
    const storage = postgres(db.sql, { channel: db.schema })
    await storage.migrate()
    return { store: storage.store, queue: storage.queue }
  },
}

afterAll(async () => {
  await Promise.all(schemas.map((db) => db.drop()))
  rmSync(dir, { recursive: true, force: true })
})

// Levels share one instance: every case uses fresh event names and receivers, so they run at once.
describe.concurrent.each(Object.keys(storages))('the server suite against rh on %s', (name) => {
  let harness: ConformanceHarness
  beforeAll(async () => {
    harness = await startConformanceHarness((role) => storages[name]?.(role) ?? {})
  })
  // The stores close with their instances; the schemas are dropped after every store closed.
  afterAll(() => harness?.close())

  it.each(levels)('passes every %s case', async (level) => {
    const report = await runServerSuite({ ...harness.options, levels: [level] })
    expect(report.failed, describeFailures(report)).toBe(0)
    // Nothing skipped either: a level rh lacks (the recovery routes) would skip, not fail.
    expect(report.results.filter((result) => result.status === 'skipped')).toEqual([])
    expect(report.passed).toBeGreaterThan(0)
  })
})
