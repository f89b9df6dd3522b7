import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countedConnection, testSchema } from '../../../test/postgres'
import type { MessageRecord } from '../queue/message-log'
import { job } from '../testing/factories'
import { migrate } from './migrate'
import { postgresQueue } from './postgres-queue'

let db: Awaited<ReturnType<typeof testSchema>>

beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
  // Off for these tables whatever the server says, as on servers that run without autovacuum.
  for (const table of ['rh_jobs', 'rh_messages', 'rh_attempts']) {
    await db.sql.unsafe(`alter table ${table} set (autovacuum_enabled = false)`)
  }
})
afterAll(() => db.drop())

/**
 * Enqueues `count` jobs (each with its message), claims and completes them, then, with
 * `prune`, prunes their messages; returns the statements the queue sent.
 */
async function turnOver(count: number, vacuumEvery: number, prune = false) {
  const { sql, statements } = countedConnection(db.schema)
  const queue = postgresQueue(sql, { vacuumEvery })
  try {
    const jobs = Array.from({ length: count }, () => job(0))
    await Promise.all(
      jobs.map((j) => {
        const message: MessageRecord = {
          id: j.message_id,
          owner: j.owner,
          event: j.event,
          body: j.body,
          created_at: j.created_at,
          idempotency_key: null,
        }
        return queue.enqueue([j], message)
      }),
    )
    const claimed = await queue.claim(1, count, 60_000)
    await Promise.all(claimed.map((claimedJob) => queue.complete(claimedJob.id, 'delivered')))
    if (prune) while ((await queue.prune(1, 100)) > 0);
    await queue.close?.()
  } finally {
    await sql.end({ timeout: 5 })
  }
  return statements.filter((statement) => /^\s*vacuum/i.test(statement))
}

const sizeOf = async (table: string) => {
  const [row] = await db.sql`select pg_relation_size(${table})::bigint as bytes`
  return Number(row?.bytes)
}

describe('the PostgreSQL queue without autovacuum', () => {
  it('analyzes at its first vacuum, then only once the table has doubled', async () => {
    await db.sql`truncate rh_jobs, rh_messages, rh_attempts`
    const { sql, statements } = countedConnection(db.schema)
    const queue = postgresQueue(sql, { vacuumEvery: 150 })
    try {
      // Each round adds 100 finished jobs (kept for the message log): 200 dead rows, a vacuum.
      for (let round = 0; round < 8; round++) {
        const jobs = Array.from({ length: 100 }, () => job(0))
        await queue.enqueue(jobs)
        const claimed = await queue.claim(1, 100, 60_000)
        await Promise.all(claimed.map((j) => queue.complete(j.id, 'delivered')))
        await queue.close?.() // waits for the vacuum in progress
      }
    } finally {
      await sql.end({ timeout: 5 })
    }
    const vacuums = statements.filter((statement) => /^\s*vacuum/i.test(statement))
    expect(vacuums.length).toBeGreaterThanOrEqual(6)
    expect(vacuums[0]).toBe('vacuum analyze rh_jobs')
    const analyzed = vacuums.filter((statement) => statement === 'vacuum analyze rh_jobs')
    // 100 rows, then 200, 400, 800 (four doublings at most), not one per vacuum.
    expect(analyzed.length).toBeLessThanOrEqual(4)
    expect(analyzed.length).toBeLessThan(vacuums.length)
    const [stats] = await db.sql`
      select last_analyze is not null as analyzed from pg_stat_user_tables
      where relid = to_regclass('rh_jobs')`
    expect(stats?.analyzed).toBe(true)
  })

  it('vacuums its table once its own writes left vacuumEvery dead rows', async () => {
    // 30 claims and 30 completions: 60 dead rows, a vacuum after the first 25.
    expect(await turnOver(30, 25)).toEqual(['vacuum analyze rh_jobs'])
  })

  it('vacuums a table the first time early, so the cached plans are made again for its size', async () => {
    await db.sql`truncate rh_jobs, rh_messages, rh_attempts`
    // 600 jobs claimed and completed: 1,200 dead rows, far below vacuumEvery.
    expect(await turnOver(600, 20_000)).toEqual(['vacuum analyze rh_jobs'])
  })

  it('leaves the table alone below the threshold, and with vacuumEvery 0', async () => {
    expect(await turnOver(10, 25)).toHaveLength(0)
    expect(await turnOver(30, 0)).toHaveLength(0)
    expect(await turnOver(30, 0, true)).toHaveLength(0)
  })

  it('vacuums the message log too once pruning left dead rows in it', async () => {
    const vacuums = await turnOver(120, 50, true)
    expect(vacuums).toContain('vacuum analyze rh_messages')
    expect(vacuums).toContain('vacuum analyze rh_jobs')
  })

  it('keeps the tables from growing while jobs turn over and their messages are pruned', async () => {
    await db.sql`truncate rh_jobs, rh_messages, rh_attempts`
    // The room one round takes when nothing is vacuumed: what a vacuumed table should stay in.
    await turnOver(200, 0, true)
    const jobs = await sizeOf('rh_jobs')
    const messages = await sizeOf('rh_messages')
    for (let round = 0; round < 5; round++) await turnOver(200, 50, true)
    expect(await sizeOf('rh_jobs')).toBeLessThanOrEqual(jobs * 1.5)
    expect(await sizeOf('rh_messages')).toBeLessThanOrEqual(messages * 1.5)
    const [row] = await db.sql`select count(*)::integer as n from rh_jobs`
    expect(row?.n).toBe(0)
    // Without the vacuum, the same rounds leave the tables several times as large.
    for (let round = 0; round < 5; round++) await turnOver(200, 0, true)
    expect(await sizeOf('rh_jobs')).toBeGreaterThan(jobs * 3)
    expect(await sizeOf('rh_messages')).toBeGreaterThan(messages * 3)
  })
})
