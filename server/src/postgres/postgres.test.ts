import type { Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, countedConnection, explainedConnection, testSchema } from '../../../test/postgres'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import { job, subscription } from '../testing/factories'
import { subscriptionStoreSuite } from '../testing/subscription-store-suite'
import { migrate } from './migrate'
import { postgresMigrations } from './migrations'
import { postgresQueue } from './postgres-queue'
import { postgresStore } from './postgres-store'

let db: Awaited<ReturnType<typeof testSchema>>
/**
 * A connection whose driver never reads the array types: what a connection sees when a statement
 * is bound before they were registered (an empty `text[]` went out as '' on Deno).
 */
let untyped: Sql
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
  untyped = connect(db.schema, { fetch_types: false })
})
afterAll(async () => {
  await untyped.end()
  await db.drop()
})

// Every contract test starts from empty tables: they share the schema of this file.
const empty = async () => {
  await db.sql`
    truncate rh_subscriptions, rh_subscription_events, rh_jobs, rh_attempts, rh_messages`
}

// Owners are unique per test in this suite, so it shares the tables without truncating.
subscriptionStoreSuite('postgres', async () => postgresStore(db.sql))
deliveryQueueSuite('postgres', async () => {
  await empty()
  return postgresQueue(db.sql)
})
subscriptionStoreSuite('postgres, driver without array types', async () => postgresStore(untyped))
deliveryQueueSuite('postgres, driver without array types', async () => {
  await empty()
  return postgresQueue(untyped)
})

describe('migrate', () => {
  it('applies each version once, even when several servers migrate at the same time', async () => {
    const other = await testSchema()
    try {
      const connections = [other.sql, connect(other.schema), connect(other.schema)]
      const applied = await Promise.all(connections.map((sql) => migrate(sql)))
      const all = postgresMigrations.map((m) => m.version)
      expect(applied.flat().sort((a, b) => a - b)).toEqual(all)
      expect(await migrate(other.sql)).toEqual([])
      const versions = await other.sql`select version from rh_migrations`
      expect(versions.map((r) => r.version)).toEqual(all)
      await Promise.all(connections.slice(1).map((sql) => sql.end()))
    } finally {
      await other.drop()
    }
  })
})

describe('postgresQueue', () => {
  it('never hands the same job to two workers claiming at once', async () => {
    await empty()
    const queue = postgresQueue(db.sql)
    await queue.enqueue(Array.from({ length: 60 }, () => job(0)))
    const claims = await Promise.all(Array.from({ length: 12 }, () => queue.claim(1, 7, 60_000)))
    const ids = claims.flat().map((j) => j.id)
    expect(ids).toHaveLength(60)
    expect(new Set(ids).size).toBe(60)
  })

  it('wakes a listener in another connection when work is enqueued', async () => {
    await empty()
    const listenerSql = connect(db.schema)
    const listener = postgresQueue(listenerSql)
    const woken = new Promise<void>((resolve) => listener.onWake?.(resolve))
    // LISTEN is asynchronous; keep enqueueing until the listener has heard one.
    let heard = false
    void woken.then(() => {
      heard = true
    })
    const queue = postgresQueue(db.sql)
    for (let i = 0; i < 50 && !heard; i++) {
      await queue.enqueue([job(0)])
      await Promise.race([woken, new Promise((r) => setImmediate(r))])
    }
    await woken
    expect(heard).toBe(true)
    await listener.close?.()
    await listenerSql.end()
  })

  it("passes over its own grouped enqueues (its engine knows of them), not another queue's", async () => {
    await empty()
    const mine = postgresQueue(db.sql)
    const other = postgresQueue(db.sql)
    let mineWoken = 0
    mine.onWake?.(() => mineWoken++)
    let otherHeard = false
    other.onWake?.(() => {
      otherHeard = true
    })
    // Both listen on the driver's one LISTEN connection: once `other` hears, `mine` would have too.
    for (let i = 0; i < 50 && !otherHeard; i++) {
      await mine.enqueue([job(0)])
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(otherHeard).toBe(true)
    expect(mineWoken).toBe(0)
    await other.enqueue([job(0)])
    for (let i = 0; i < 50 && mineWoken === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    expect(mineWoken).toBe(1)
    await mine.close?.()
    await other.close?.()
  })

  it('claims due jobs with an index scan of the pending jobs', async () => {
    const plan = await db.sql`
      explain select id from rh_jobs where status = 'pending' and not fifo and available_at <= 0
      order by available_at, created_at, message_id limit 5
      for update skip locked`
    expect(JSON.stringify(plan)).not.toMatch(/Seq Scan on rh_jobs/)
  })

  it('finds jobs by index, never by a sequential scan, in claims and grouped writes', async () => {
    await empty()
    // auto_explain reports the plan of every statement (nested ones too) as a notice.
    const { sql: explained, plans } = explainedConnection(db.schema)
    try {
      const queue = postgresQueue(explained)
      // A queue of some size, with statistics: small tables are scanned whatever the query.
      await queue.enqueue(Array.from({ length: 3000 }, (_, i) => job(i)))
      await explained`analyze rh_jobs`
      plans.length = 0
      const [a, b] = await queue.claim(10, 2, 1000)
      await Promise.all([
        queue.complete(a?.id as string, 'delivered'),
        queue.reschedule(b?.id as string, 1, 50),
        queue.cancelSubscription('sub_none'),
      ])
      const claimed = plans.find((plan) => plan.includes('skip locked'))
      const grouped = plans.find((plan) => plan.includes('CTE completed'))
      expect(claimed).toMatch(/Index Cond: \(id = ANY/)
      expect(grouped).toBeDefined()
      expect(plans.join('\n')).not.toMatch(/Seq Scan on rh_jobs/)
    } finally {
      await explained.end()
    }
  })

  it('writes what arrives in one tick as one statement, and each call resolves after it', async () => {
    await empty()
    const { sql: counted, statements } = countedConnection(db.schema)
    try {
      const queue = postgresQueue(counted)
      const jobs = Array.from({ length: 5 }, () => job(0))
      await queue.enqueue(jobs.slice(0, 3))
      const [a, b, c] = await queue.claim(0, 3, 1000)
      statements.length = 0
      await Promise.all([
        queue.enqueue(jobs.slice(3)),
        queue.recordAttempt({ ...attempt(), subscription_id: 'sub_1' }),
        queue.complete(a?.id as string, 'delivered'),
        queue.reschedule(b?.id as string, 1, 50),
        queue.complete(c?.id as string, 'failed'),
      ])
      expect(statements).toHaveLength(1)
      expect(await queue.size()).toBe(3)
      expect((await queue.claim(100, 10, 1000)).map((j) => j.id).sort()).toEqual(
        [b?.id, ...jobs.slice(3).map((j) => j.id)].sort(),
      )
      expect((await queue.listAttempts('alice', 'sub_1', { limit: 10 })).items).toHaveLength(1)
    } finally {
      await counted.end()
    }
  })

  it('applies writes of one tick in call order when they touch the same jobs', async () => {
    await empty()
    const queue = postgresQueue(db.sql)
    const doomed = job(0, { subscription_id: 'sub_doomed' })
    const kept = job(0, { subscription_id: 'sub_kept' })
    const late = job(0, { subscription_id: 'sub_doomed' })
    await queue.enqueue([kept])
    await Promise.all([
      queue.enqueue([doomed]),
      queue.cancelSubscription('sub_doomed'),
      queue.enqueue([late]),
      queue.complete(kept.id, 'delivered'),
      queue.reschedule(kept.id, 1, 0),
    ])
    // The cancel saw the job enqueued before it, not the one after; the completed job stays gone.
    expect((await queue.claim(0, 10, 1000)).map((j) => j.id)).toEqual([late.id])
  })

  it('rejects only the faulty write of a group', async () => {
    await empty()
    const queue = postgresQueue(db.sql)
    const good = job(0)
    const results = await Promise.allSettled([
      queue.enqueue([good]),
      queue.recordAttempt({ ...attempt(), started_at: 'not a time' }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    expect((await queue.claim(0, 10, 1000)).map((j) => j.id)).toEqual([good.id])
  })

  it('shares one match query among the notifies waiting for it', async () => {
    const { sql: counted, statements } = countedConnection(db.schema)
    try {
      const store = postgresStore(counted)
      const s = subscription({ owner: 'coalesce-owner', events: ['x.y'] })
      await store.create(s)
      statements.length = 0
      const matches = await Promise.all(
        Array.from({ length: 10 }, () => store.match('coalesce-owner', 'x.y')),
      )
      expect(matches.map((m) => m.map((x) => x.id))).toEqual(Array(10).fill([s.id]))
      expect(statements.length).toBeLessThanOrEqual(2)
      const [first, second] = matches
      expect(first?.[0]).not.toBe(second?.[0])
    } finally {
      await counted.end()
    }
  })
})

let attempts = 0
function attempt() {
  return {
    id: `atm_group_${process.pid}_${attempts++}`,
    subscription_id: 'sub_x',
    owner: 'alice',
    message_id: 'msg_x',
    event: 'post.created',
    attempt: 1,
    outcome: 'delivered' as const,
    response_status: 204,
    error: null,
    response_excerpt: null,
    duration_ms: 3,
    started_at: '2025-01-01T00:00:00.000Z',
    next_attempt_at: null,
  }
}
