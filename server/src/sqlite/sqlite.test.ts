import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import { job, subscription } from '../testing/factories'
import { subscriptionStoreSuite } from '../testing/subscription-store-suite'
import { sqliteMigrations } from './schema'
import { sqlite } from './sqlite'

const dir = mkdtempSync(join(tmpdir(), 'rh-sqlite-'))
let n = 0
const opened: Array<{ close(): Promise<void> }> = []
const fresh = () => {
  const db = sqlite({ path: join(dir, `test-${n++}.db`) })
  opened.push(db)
  return db
}
afterAll(async () => {
  for (const db of opened) await db.close()
  rmSync(dir, { recursive: true, force: true })
})

deliveryQueueSuite('sqlite', () => fresh().queue)
subscriptionStoreSuite('sqlite', async () => fresh().store)

describe('sqlite', () => {
  it('keeps subscriptions and jobs across a reopen of the file', async () => {
    const path = join(dir, 'reopen.db')
    const first = sqlite({ path })
    const s = subscription()
    const j = job(0)
    await first.store.create(s)
    await first.queue.enqueue([j])
    await first.close()
    const second = sqlite({ path })
    opened.push(second)
    expect(await second.store.get('alice', s.id)).toEqual(s)
    expect(await second.queue.claim(0, 10, 1000)).toEqual([j])
  })

  it('writes the file in WAL mode and migrates it only once', async () => {
    const db = fresh()
    const driver = await db.driver
    expect(driver.all('pragma journal_mode', [])).toEqual([{ journal_mode: 'wal' }])
    const again = sqlite({ path: join(dir, `test-${n - 1}.db`) })
    opened.push(again)
    expect((await again.driver).all('pragma user_version', [])).toEqual([
      { user_version: sqliteMigrations.length },
    ])
  })

  it('matches through the (owner, event) index, not a scan', async () => {
    const driver = await fresh().driver
    const plan = driver
      .all(
        `explain query plan select s.id from rh_subscription_events e
         join rh_subscriptions s on s.id = e.subscription_id
         where e.owner = ? and e.event = ? and s.status = 'active'`,
        ['alice', 'x'],
      )
      .map((row) => String(row.detail))
    expect(plan.join('\n')).toMatch(/SEARCH e USING PRIMARY KEY \(owner=\? AND event=\?\)/)
    expect(plan.join('\n')).not.toMatch(/SCAN/)
  })

  it('claims in (available_at, id) order straight from the index, without sorting', async () => {
    const driver = await fresh().driver
    const plan = driver
      .all(
        `explain query plan select id from rh_jobs where available_at <= ?
         order by available_at, id limit ?`,
        [0, 10],
      )
      .map((row) => String(row.detail))
      .join('\n')
    expect(plan).toMatch(/USING COVERING INDEX rh_jobs_available_at_id/)
    expect(plan).not.toMatch(/TEMP B-TREE/)
  })

  it('syncs enqueues to disk and leaves the connection on its synchronous level', async () => {
    const db = fresh()
    const driver = await db.driver
    const levels: string[] = []
    const exec = driver.exec.bind(driver)
    driver.exec = (sql) => {
      if (/^pragma synchronous =/.test(sql) || sql === 'commit') levels.push(sql)
      exec(sql)
    }
    const j = job(0)
    await Promise.all([db.queue.enqueue([j]), db.queue.enqueue([job(5)])])
    expect(levels).toEqual(['commit'])
    levels.length = 0
    await db.queue.claim(0, 1, 1000)
    await db.queue.complete(j.id)
    // Bookkeeping commits reach the WAL without a sync of their own; the level comes back.
    expect(levels).toEqual([
      'pragma synchronous = normal',
      'pragma synchronous = 2',
      'pragma synchronous = normal',
      'commit',
      'pragma synchronous = 2',
    ])
    expect(driver.all('pragma synchronous', [])).toEqual([{ synchronous: 2 }])
  })

  it('never hands the same job to two connections claiming at once', async () => {
    const path = join(dir, 'race.db')
    const a = sqlite({ path })
    const b = sqlite({ path })
    opened.push(a, b)
    const jobs = Array.from({ length: 50 }, () => job(0))
    await a.queue.enqueue(jobs)
    const claims = await Promise.all(
      Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).queue.claim(1, 7, 60_000)),
    )
    const ids = claims.flat().map((j) => j.id)
    expect(ids).toHaveLength(50)
    expect(new Set(ids).size).toBe(50)
  })

  it('rejects every call with a clear error when the file cannot be opened', async () => {
    const db = sqlite({ path: join(dir, 'missing-dir', 'x', 'rh.db') })
    await expect(db.store.get('alice', 'sub_x')).rejects.toThrow()
  })
})
