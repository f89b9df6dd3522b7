import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connect, countedConnection, explainedConnection, testSchema } from '../../../test/postgres'
import type { DeliveryJob } from '../queue/delivery-queue'
import type { MessageRecord } from '../queue/message-log'
import { attempt, nextId } from '../testing/factories'
import { migrate } from './migrate'
import { postgresMigrations } from './migrations'
import { postgresQueue } from './postgres-queue'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())
beforeEach(async () => {
  await db.sql`truncate rh_jobs, rh_attempts, rh_messages`
})

function message(at: number, overrides: Partial<MessageRecord> = {}): MessageRecord {
  return {
    id: nextId('msg'),
    owner: 'alice',
    event: 'post.created',
    body: `{"type":"post.created","data":{"at":${at}}}`,
    created_at: at,
    idempotency_key: null,
    ...overrides,
  }
}

function jobOf(m: MessageRecord, subscriptionId: string, id = nextId('dlv')): DeliveryJob {
  return {
    id,
    message_id: m.id,
    subscription_id: subscriptionId,
    owner: m.owner,
    event: m.event,
    body: m.body,
    attempt: 0,
    next_attempt_at: m.created_at,
    created_at: m.created_at,
  }
}

describe('the PostgreSQL message log', () => {
  it('takes an idempotency key once when several processes publish it at the same time', async () => {
    // One pool per "process": each enqueue runs on a connection of its own.
    const pools = Array.from({ length: 4 }, () => connect(db.schema, { max: 1 }))
    try {
      const sub = nextId('sub')
      const messages = pools.map(() => message(1000, { idempotency_key: 'order-42' }))
      const results = await Promise.all(
        pools.map((sql, i) => {
          const m = messages[i] as MessageRecord
          return postgresQueue(sql).enqueue([jobOf(m, sub)], m)
        }),
      )
      const winners = messages.filter((_, i) => results[i] === undefined)
      expect(winners).toHaveLength(1)
      const winner = winners[0] as MessageRecord
      for (const result of results) {
        if (result !== undefined) expect(result).toEqual({ duplicateOf: winner.id })
      }
      const queue = postgresQueue(db.sql)
      expect(await queue.size()).toBe(1)
      const listed = await queue.listMessages('alice', { limit: 10 })
      expect(listed.items.map((m) => m.id)).toEqual([winner.id])
    } finally {
      await Promise.all(pools.map((sql) => sql.end({ timeout: 5 })))
    }
  })

  it('logs the messages of one tick with their jobs and completions in one statement', async () => {
    const { sql, statements } = countedConnection(db.schema)
    try {
      const queue = postgresQueue(sql)
      const first = message(0)
      const firstJob = jobOf(first, nextId('sub'))
      await queue.enqueue([firstJob], first)
      await queue.claim(0, 1, 1000)
      statements.length = 0
      const more = [message(1), message(2), message(3)]
      await Promise.all([
        ...more.map((m) => queue.enqueue([jobOf(m, nextId('sub'))], m)),
        queue.complete(firstJob.id, 'delivered'),
      ])
      expect(statements).toHaveLength(1)
      expect((await queue.listMessages('alice', { limit: 10 })).items).toHaveLength(4)
      expect((await queue.getMessage('alice', first.id))?.deliveries[0]?.status).toBe('delivered')
    } finally {
      await sql.end({ timeout: 5 })
    }
  })

  it('replays in one statement, and claims replayed jobs in message order whatever their ids', async () => {
    const { sql, statements } = countedConnection(db.schema)
    try {
      const queue = postgresQueue(sql)
      const sub = nextId('sub')
      // The older message's job has the larger id.
      const [older, newer] = [message(100), message(200)]
      const olderJob = jobOf(older, sub, 'dlv_zzz')
      const newerJob = jobOf(newer, sub, 'dlv_aaa')
      await queue.enqueue([olderJob], older)
      await queue.enqueue([newerJob], newer)
      expect(await queue.claim(200, 10, 1000)).toHaveLength(2)
      await queue.complete(olderJob.id, 'failed')
      await queue.complete(newerJob.id, 'failed')
      await queue.size() // waits for the writes
      statements.length = 0
      const query = { since: 0, status: 'failed', events: ['post.created'], now: 5000 } as const
      expect(await queue.replay('alice', sub, query)).toBe(2)
      expect(statements).toHaveLength(1)
      expect((await queue.claim(5000, 1, 1000)).map((j) => j.id)).toEqual([olderJob.id])
      expect((await queue.claim(5000, 1, 1000)).map((j) => j.id)).toEqual([newerJob.id])
      statements.length = 0
      const all = { since: 0, status: 'all', events: ['post.created'], now: 9000 } as const
      await queue.complete(olderJob.id, 'delivered')
      await queue.complete(newerJob.id, 'delivered')
      await queue.size()
      statements.length = 0
      expect(await queue.replay('alice', sub, all)).toBe(2)
      expect(statements).toHaveLength(1)
    } finally {
      await sql.end({ timeout: 5 })
    }
  })

  it('finds messages, deliveries and attempts by index when listing, replaying and pruning', async () => {
    const { sql: explained, plans } = explainedConnection(db.schema)
    try {
      const queue = postgresQueue(explained)
      const subs = Array.from({ length: 3 }, () => nextId('sub'))
      // A log of some size, with statistics: small tables are scanned whatever the query.
      const messages = Array.from({ length: 2000 }, (_, n) => message(n))
      await Promise.all(
        messages.map((m) =>
          queue.enqueue(
            subs.map((sub) => jobOf(m, sub)),
            m,
          ),
        ),
      )
      const claimed = await queue.claim(10_000, 6000, 60_000)
      expect(claimed).toHaveLength(6000)
      await Promise.all(
        claimed.map((j) => {
          const failed = j.subscription_id === subs[0] && j.created_at % 5 === 0
          return queue.complete(j.id, failed ? 'failed' : 'delivered')
        }),
      )
      await Promise.all(
        claimed.map((j) =>
          queue.recordAttempt(
            attempt({ subscription_id: j.subscription_id, message_id: j.message_id }),
          ),
        ),
      )
      await explained`analyze rh_jobs`
      await explained`analyze rh_messages`
      await explained`analyze rh_attempts`
      plans.length = 0
      const sub = subs[0] as string
      await queue.listMessages('alice', { limit: 10 })
      await queue.listSubscriptionMessages('alice', sub, { status: 'failed', limit: 10 })
      const recent = {
        since: 1900,
        until: 2000,
        status: 'failed',
        events: [],
        now: 20_000,
      } as const
      expect(await queue.replay('alice', sub, recent)).toBe(20)
      expect(await queue.prune(100, 50)).toBe(50)
      expect(plans.length).toBeGreaterThan(0)
      expect(plans.join('\n')).not.toMatch(/Seq Scan on rh_(jobs|messages|attempts)/)
    } finally {
      await explained.end()
    }
  })

  it('replays thousands of dead letters in work linear in their number, without statistics', async () => {
    // Autovacuum off means no statistics: every table looks empty to the planner. A replay
    // once joined the dead letters with the messages row by row (2,000 x 2,000 rows compared).
    const { sql: explained, plans } = explainedConnection(db.schema, { analyze: true })
    try {
      const queue = postgresQueue(explained)
      const sub = nextId('sub')
      const messages = Array.from({ length: 2000 }, (_, n) => message(n))
      await Promise.all(messages.map((m) => queue.enqueue([jobOf(m, sub)], m)))
      const claimed = await queue.claim(10_000, 2000, 60_000)
      await Promise.all(claimed.map((j) => queue.complete(j.id, 'failed')))
      const all = { since: 0, until: 2000, events: ['post.created'], now: 20_000 }
      const replayPlans: string[] = []
      const replay = async (status: 'failed' | 'all') => {
        plans.length = 0
        const replayed = await queue.replay('alice', sub, { ...all, status })
        replayPlans.push(...plans)
        return replayed
      }
      expect(await replay('failed')).toBe(2000)
      const again = await queue.claim(30_000, 2000, 60_000)
      await Promise.all(again.map((j) => queue.complete(j.id, 'failed')))
      expect(await replay('all')).toBe(2000)
      const removed = [
        ...replayPlans.join('\n').matchAll(/Rows Removed by (?:Join )?Filter: (\d+)/g),
      ]
      expect(removed.map((match) => Number(match[1])).filter((rows) => rows > 2000)).toEqual([])
    } finally {
      await explained.end()
    }
  })
})

describe('migrating a PostgreSQL queue of version 1', () => {
  it('logs the messages of its pending jobs, which keep going', async () => {
    const old = await testSchema()
    try {
      expect(await migrate(old.sql, postgresMigrations.slice(0, 1))).toEqual([1])
      const m = message(100)
      const j = jobOf(m, nextId('sub'))
      await old.sql`
        insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
          next_attempt_at, created_at, available_at)
        values (${j.id}, ${j.message_id}, ${j.subscription_id}, ${j.owner}, ${j.event}, ${j.body},
          2, 300, 100, 300)`
      expect(await migrate(old.sql)).toEqual(postgresMigrations.slice(1).map((m) => m.version))
      const queue = postgresQueue(old.sql)
      expect(await queue.getMessage('alice', m.id)).toEqual({
        ...m,
        deliveries: [
          {
            id: j.id,
            message_id: m.id,
            subscription_id: j.subscription_id,
            status: 'pending',
            attempts: 2,
            updated_at: 100,
          },
        ],
      })
      expect(await queue.claim(300, 10, 1000)).toEqual([{ ...j, attempt: 2, next_attempt_at: 300 }])
    } finally {
      await old.drop()
    }
  })
})
