import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countedConnection, testSchema } from '../../../test/postgres'
import { job } from '../testing/factories'
import { migrate } from './migrate'
import { postgresQueue } from './postgres-queue'

let db: Awaited<ReturnType<typeof testSchema>>

beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
  // Off for this table whatever the server says, as on servers that run without autovacuum.
  await db.sql`alter table rh_jobs set (autovacuum_enabled = false)`
})
afterAll(() => db.drop())

/** Enqueues, claims and completes `count` jobs; returns the statements the queue sent. */
async function turnOver(count: number, vacuumEvery: number) {
  const { sql, statements } = countedConnection(db.schema)
  const queue = postgresQueue(sql, { vacuumEvery })
  try {
    await queue.enqueue(Array.from({ length: count }, () => job(0)))
    const claimed = await queue.claim(1, count, 60_000)
    await Promise.all(claimed.map((claimedJob) => queue.complete(claimedJob.id)))
    await queue.close?.()
  } finally {
    await sql.end({ timeout: 5 })
  }
  return statements.filter((statement) => /^\s*vacuum/i.test(statement))
}

describe('the PostgreSQL queue without autovacuum', () => {
  it('vacuums its table once its own writes left vacuumEvery dead rows', async () => {
    // 30 claims and 30 completions: 60 dead rows, a vacuum after the first 25.
    expect(await turnOver(30, 25)).toHaveLength(1)
  })

  it('leaves the table alone below the threshold, and with vacuumEvery 0', async () => {
    expect(await turnOver(10, 25)).toHaveLength(0)
    expect(await turnOver(30, 0)).toHaveLength(0)
  })

  it('keeps the table from growing while jobs turn over', async () => {
    const size = async () => {
      const [row] = await db.sql`select pg_relation_size('rh_jobs')::bigint as bytes`
      return Number(row?.bytes)
    }
    await turnOver(200, 50)
    const before = await size()
    for (let round = 0; round < 5; round++) await turnOver(200, 50)
    expect(await size()).toBeLessThanOrEqual(before * 1.5)
  })
})
