import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { job } from '../../../test/factories'
import { connect, testSchema } from '../../../test/postgres'
import { deliveryQueueSuite } from '../testing/delivery-queue-suite'
import { subscriptionStoreSuite } from '../testing/subscription-store-suite'
import { migrate } from './migrate'
import { postgresQueue } from './postgres-queue'
import { postgresStore } from './postgres-store'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())

// Every contract test starts from empty tables: they share the schema of this file.
const empty = async () => {
  await db.sql`truncate rh_subscriptions, rh_subscription_events, rh_jobs, rh_attempts`
}

// Owners are unique per test in this suite, so it shares the tables without truncating.
subscriptionStoreSuite('postgres', async () => postgresStore(db.sql))
deliveryQueueSuite('postgres', async () => {
  await empty()
  return postgresQueue(db.sql)
})

describe('migrate', () => {
  it('applies each version once, even when several servers migrate at the same time', async () => {
    const other = await testSchema()
    try {
      const connections = [other.sql, connect(other.schema), connect(other.schema)]
      const applied = await Promise.all(connections.map((sql) => migrate(sql)))
      expect(applied.flat()).toEqual([1])
      expect(await migrate(other.sql)).toEqual([])
      const versions = await other.sql`select version from rh_migrations`
      expect(versions.map((r) => r.version)).toEqual([1])
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

  it('claims due jobs with an index scan on available_at', async () => {
    const plan = await db.sql`
      explain select id from rh_jobs where available_at <= 0 order by available_at, id limit 5
      for update skip locked`
    expect(JSON.stringify(plan)).not.toMatch(/Seq Scan on rh_jobs/)
  })
})
