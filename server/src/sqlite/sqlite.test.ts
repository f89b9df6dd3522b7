import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { DeliveryJob } from '../queue/delivery-queue'
import type { MessageRecord } from '../queue/message-log'
import type { StoredSubscription } from '../store/subscription-store'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import { job, nextId, subscription } from '../testing/factories'
import { subscriptionStoreSuite } from '../testing/subscription-store-suite'
import { connectSqlite } from './connect-sqlite'
import type { SqliteDriver } from './driver'
import { sqliteMigrations } from './migrations'
import { sqlite } from './sqlite'
import { sqliteQueue } from './sqlite-queue'
import type { WalSync } from './wal-sync'

const dir = mkdtempSync(join(tmpdir(), 'rh-sqlite-'))
let n = 0
const opened: Array<{ close(): Promise<void> }> = []
const fresh = () => {
  const db = sqlite({ path: join(dir, `test-${n++}.db`) })
  opened.push(db)
  return db
}
/** Records the connection's commits and changes of its synchronous level, in order. */
function recordSyncLevels(driver: SqliteDriver): string[] {
  const levels: string[] = []
  const exec = driver.exec.bind(driver)
  driver.exec = (sql) => {
    if (/^pragma synchronous =/.test(sql) || sql === 'commit') levels.push(sql)
    exec(sql)
  }
  return levels
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

  it('writes the file in WAL mode, checkpoints it every 8192 pages, and migrates it once', async () => {
    const db = fresh()
    const driver = await db.driver
    expect(driver.all('pragma journal_mode', [])).toEqual([{ journal_mode: 'wal' }])
    expect(driver.all('pragma wal_autocheckpoint', [])).toEqual([{ wal_autocheckpoint: 8192 }])
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

  it('claims pending jobs in (available_at, created_at, message_id, id) order straight from the index', async () => {
    const driver = await fresh().driver
    const plan = driver
      .all(
        `explain query plan select rowid from rh_jobs where status = 'pending' and fifo = 0 and available_at <= ?
         order by available_at, created_at, message_id, id limit ?`,
        [0, 10],
      )
      .map((row) => String(row.detail))
      .join('\n')
    expect(plan).toMatch(/USING COVERING INDEX rh_jobs_due/)
    expect(plan).not.toMatch(/TEMP B-TREE/)
  })

  it('runs the lines’ claim only while a line has a pending job', async () => {
    const { queue, driver } = fresh()
    const db = await driver
    let lineClaims = 0
    const all = db.all.bind(db)
    db.all = (sql, params) => {
      if (sql.startsWith('with recursive') && sql.includes('update rh_jobs')) lineClaims++
      return all(sql, params)
    }
    await queue.enqueue([job(1000), job(1000)])
    expect(await queue.claim(1000, 10, 60_000)).toHaveLength(2)
    expect(lineClaims).toBe(0)
    const head = job(1000, { subscription_id: 'sub_fifo', fifo: true })
    await queue.enqueue([head, job(1000, { subscription_id: 'sub_fifo', fifo: true }), job(1000)])
    expect((await queue.claim(1000, 10, 60_000)).map((j) => j.id)).toContain(head.id)
    expect(lineClaims).toBe(1)
  })

  it('syncs enqueues inside the commit where the WAL cannot be synced after it', async () => {
    const driver = connectSqlite({ path: join(dir, `test-${n++}.db`) })
    const queue = sqliteQueue(driver, { walSync: async () => null })
    opened.push({ close: async () => (await driver).close() })
    const db = await driver
    const levels = recordSyncLevels(db)
    const j = job(0)
    await Promise.all([queue.enqueue([j]), queue.enqueue([job(5)])])
    expect(levels).toEqual(['commit'])
    levels.length = 0
    await queue.claim(0, 1, 1000)
    await queue.complete(j.id, 'delivered')
    // Bookkeeping commits reach the WAL without a sync of their own; the level comes back.
    expect(levels).toEqual([
      'pragma synchronous = normal',
      'pragma synchronous = 2',
      'pragma synchronous = normal',
      'commit',
      'pragma synchronous = 2',
    ])
    expect(db.all('pragma synchronous', [])).toEqual([{ synchronous: 2 }])
  })

  it('resolves an enqueue only after the WAL sync that follows its commit', async () => {
    const path = join(dir, `test-${n++}.db`)
    const driver = connectSqlite({ path })
    const syncs: Array<() => void> = []
    let syncRequested = () => {}
    const wal: WalSync = {
      sync: () =>
        new Promise<void>((resolve) => {
          syncs.push(resolve)
          syncRequested()
        }),
      close: async () => {},
    }
    const queue = sqliteQueue(driver, { walSync: async () => wal })
    const other = sqlite({ path })
    opened.push({ close: async () => (await driver).close() }, other)
    expect(await queue.size()).toBe(0)
    const db = await driver
    const levels = recordSyncLevels(db)

    const j = job(0)
    const requested = new Promise<void>((resolve) => {
      syncRequested = resolve
    })
    let resolved = false
    const enqueued = queue.enqueue([j]).then(() => {
      resolved = true
    })
    await requested
    // Committed without a sync inside SQLite (another connection sees it), not yet resolved.
    expect(levels).toEqual(['pragma synchronous = normal', 'commit', 'pragma synchronous = 2'])
    expect((await other.driver).all('select id from rh_jobs', [])).toEqual([{ id: j.id }])
    await queue.size()
    expect(resolved).toBe(false)
    // Bookkeeping does not wait for the sync.
    expect(await queue.claim(0, 1, 1000)).toEqual([j])
    await queue.complete(j.id, 'delivered')
    expect(resolved).toBe(false)
    expect(syncs).toHaveLength(1)
    syncs[0]?.()
    await enqueued
    expect(resolved).toBe(true)
  })

  it('spaces its commits under load: writes of many rounds of I/O share a commit', async () => {
    const db = fresh()
    const commits = recordSyncLevels(await db.driver)
    const jobs = Array.from({ length: 40 }, () => job(0))
    await db.queue.enqueue(jobs)
    commits.length = 0
    // One completion per round of I/O, as attempts answered one after another (8 in flight) end.
    const writes: Promise<void>[] = []
    for (const j of jobs) {
      writes.push(db.queue.complete(j.id, 'delivered'))
      await new Promise((resolve) => setImmediate(resolve))
    }
    await Promise.all(writes)
    // A commit per round would be 40: the first goes at once, the rest wait for the spacing.
    expect(commits.filter((sql) => sql === 'commit').length).toBeLessThanOrEqual(10)
    expect(await db.queue.size()).toBe(0)
  })

  it('answers get and match with what another connection changed a moment ago', async () => {
    const path = join(dir, 'reads.db')
    const a = sqlite({ path })
    const b = sqlite({ path })
    opened.push(a, b)
    const s = subscription()
    await a.store.create(s)
    // Read twice, so the second answer can come from memory.
    await a.store.get('alice', s.id)
    expect(await a.store.match('alice', s.events[0] as string)).toEqual([s])
    expect(await a.store.get('alice', s.id)).toEqual(s)

    const paused = await b.store.update('alice', s.id, {
      status: 'paused',
      updated_at: s.updated_at,
    })
    expect(await a.store.get('alice', s.id)).toEqual(paused)
    expect(await a.store.match('alice', s.events[0] as string)).toEqual([])
    // A write in plain SQL on the same connection is seen too (triggers count every change).
    ;(await a.driver).run('update rh_subscriptions set status = ? where id = ?', ['active', s.id])
    expect((await a.store.get('alice', s.id))?.status).toBe('active')
    expect(await a.store.match('alice', s.events[0] as string)).toHaveLength(1)
    expect(await a.store.delete('alice', s.id)).toBe(true)
    expect(await b.store.get('alice', s.id)).toBeNull()
    expect(await a.store.get('alice', s.id)).toBeNull()
  })

  it('reads the change counter once for reads issued together, afresh for later ones', async () => {
    const db = fresh()
    const s = subscription()
    await db.store.create(s)
    const driver = await db.driver
    let counterReads = 0
    const all = driver.all.bind(driver)
    driver.all = (sql, params) => {
      if (sql.includes('rh_subscriptions_version')) counterReads++
      return all(sql, params)
    }
    const together = () =>
      Promise.all([
        db.store.get('alice', s.id),
        db.store.get('alice', s.id),
        db.store.match('alice', s.events[0] as string),
        db.store.recordOutcome?.('alice', s.id, { delivered: true, disableAfter: 5, at: 0 }),
      ])
    await together()
    expect(counterReads).toBe(1)
    await together()
    expect(counterReads).toBe(2)
  })

  it('hands out copies: changing an answer changes no later one', async () => {
    const db = fresh()
    const s = subscription({ metadata: { team: 'a' } })
    await db.store.create(s)
    const got = (await db.store.get('alice', s.id)) as StoredSubscription
    got.events.push('changed')
    got.metadata.team = 'b'
    const [matched] = await db.store.match('alice', s.events[0] as string)
    ;(matched as StoredSubscription).events.length = 0
    expect(await db.store.get('alice', s.id)).toEqual(s)
    expect(await db.store.match('alice', s.events[0] as string)).toEqual([s])
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

describe('sqlite message log', () => {
  /** Messages of alice's created at `at`, in id order, each with a job to `sub` when `sent`. */
  function messages(count: number, at: number, sub: string, sent: (n: number) => boolean) {
    return Array.from({ length: count }, (_, n) => {
      const message: MessageRecord = {
        id: nextId('msg'),
        owner: 'alice',
        event: 'post.created',
        body: `{"n":${n}}`,
        created_at: at,
        idempotency_key: null,
      }
      const jobs = sent(n)
        ? [job(at, { message_id: message.id, subscription_id: sub, body: message.body })]
        : []
      return { message, jobs }
    })
  }

  it('claims a replay in message order, also among messages of the same millisecond', async () => {
    const queue = fresh().queue
    const sub = nextId('sub')
    const sent = messages(6, 100, sub, (n) => n % 2 === 1)
    for (const { message, jobs } of sent) await queue.enqueue(jobs, message)
    const first = sent.flatMap((s) => s.jobs)
    expect(await queue.claim(100, 10, 1000)).toEqual(first)
    for (const j of first) await queue.complete(j.id, 'failed')
    const query = { since: 0, status: 'all', events: ['post.created'], now: 5000 } as const
    expect(await queue.replay('alice', sub, query)).toBe(6)
    const claimed = await queue.claim(5000, 10, 1000)
    expect(claimed.map((j) => j.message_id)).toEqual(sent.map((s) => s.message.id))
    // The failed deliveries keep their ids; the new ones' ids follow message order.
    expect(claimed.filter((_, n) => n % 2 === 1).map((j) => j.id)).toEqual(first.map((j) => j.id))
    const added = claimed.filter((_, n) => n % 2 === 0).map((j) => j.id)
    expect(added).toEqual([...added].sort())
  })

  it('replays all or nothing: a failure midway queues none', async () => {
    const db = fresh()
    const queue = db.queue
    const sub = nextId('sub')
    const sent = messages(100, 100, sub, (n) => n < 40)
    for (const { message, jobs } of sent) await queue.enqueue(jobs, message)
    const jobs = sent.flatMap((s) => s.jobs) as DeliveryJob[]
    expect(await queue.claim(100, 100, 1000)).toHaveLength(40)
    for (const j of jobs) await queue.complete(j.id, 'failed')
    const driver = await db.driver
    const run = driver.run.bind(driver)
    let inserts = 0
    driver.run = (sql, params) => {
      if (sql.includes('insert into rh_jobs') && ++inserts === 2) throw new Error('disk I/O error')
      return run(sql, params)
    }
    const query = { since: 0, status: 'all', events: ['post.created'], now: 5000 } as const
    await expect(queue.replay('alice', sub, query)).rejects.toThrow('disk I/O error')
    expect(inserts).toBe(2)
    expect(await queue.size()).toBe(0)
    const page = await queue.listSubscriptionMessages('alice', sub, { limit: 100 })
    expect(page.items.map((m) => m.delivery.status)).toEqual(Array(40).fill('failed'))
    driver.run = run
    expect(await queue.replay('alice', sub, query)).toBe(100)
    expect(await queue.size()).toBe(100)
  })

  it('resolves a replay only after the WAL sync that follows its commit', async () => {
    const driver = connectSqlite({ path: join(dir, `test-${n++}.db`) })
    const syncs: Array<() => void> = []
    let requested = () => {}
    /** Resolves once the queue asks for the next WAL sync. */
    const nextSync = () =>
      new Promise<void>((resolve) => {
        requested = resolve
      })
    const wal: WalSync = {
      sync: () =>
        new Promise<void>((resolve) => {
          syncs.push(resolve)
          requested()
        }),
      close: async () => {},
    }
    const queue = sqliteQueue(driver, { walSync: async () => wal })
    opened.push({ close: async () => (await driver).close() })
    expect(await queue.size()).toBe(0)
    const sub = nextId('sub')
    const [sent] = messages(1, 100, sub, () => true) as [
      { message: MessageRecord; jobs: DeliveryJob[] },
    ]
    let synced = nextSync()
    const enqueued = queue.enqueue(sent.jobs, sent.message)
    await synced
    syncs[0]?.()
    await enqueued
    await queue.claim(100, 1, 1000)
    await queue.complete(sent.jobs[0]?.id as string, 'failed')
    let resolved = false
    const query = { since: 0, status: 'failed', events: [], now: 500 } as const
    synced = nextSync()
    const replayed = queue.replay('alice', sub, query).then((count) => {
      resolved = true
      return count
    })
    await synced
    expect(syncs).toHaveLength(2)
    // Committed (a claim sees it) but not resolved before the sync.
    expect((await queue.claim(500, 1, 1000)).map((j) => j.id)).toEqual([sent.jobs[0]?.id])
    expect(resolved).toBe(false)
    syncs[1]?.()
    expect(await replayed).toBe(1)
  })
})
