import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { job } from '../testing/factories'
import type { SqliteDriver } from './driver'
import { openSqlite } from './open-sqlite'
import { sqlite } from './sqlite'

const dir = mkdtempSync(join(tmpdir(), 'rh-disk-full-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A real connection whose writes fail with SQLITE_FULL while `full` is set. */
async function fillableDriver(path: string) {
  const real = await openSqlite(path)
  const seen: string[] = []
  const state = { full: false, seen }
  const diskFull = () =>
    Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
  const driver: SqliteDriver = {
    name: real.name,
    exec(sql) {
      seen.push(sql)
      if (state.full && (sql === 'commit' || /^pragma user_version =/.test(sql))) throw diskFull()
      real.exec(sql)
    },
    run(sql, params) {
      if (state.full) throw diskFull()
      return real.run(sql, params)
    },
    all(sql, params) {
      seen.push(sql)
      return real.all(sql, params)
    },
    close: () => real.close(),
  }
  return { driver, state }
}

describe('sqlite on a full disk', () => {
  it('refuses writes, truncates the WAL, reports disk_full, and recovers once space returns', async () => {
    const { driver, state } = await fillableDriver(join(dir, 'full.db'))
    const db = sqlite({ path: join(dir, 'full.db'), driver })
    try {
      await db.migrate()
      await db.queue.enqueue([job(1000)])
      expect(db.health()).toEqual({ status: 'ok' })

      state.full = true
      await expect(db.queue.enqueue([job(2000)])).rejects.toThrow(/disk is full/)
      expect(state.seen).toContain('pragma wal_checkpoint(truncate)')
      const health = db.health()
      expect(health.status).toBe('disk_full')
      expect(String((health as { error: unknown }).error)).toMatch(/disk is full/)

      // Space is back: the health check's own write succeeds, with no other write needed.
      state.full = false
      expect(db.health()).toEqual({ status: 'ok' })
      await db.queue.enqueue([job(3000)])
      expect(await db.queue.size()).toBe(2)
    } finally {
      await db.close()
    }
  })
})
