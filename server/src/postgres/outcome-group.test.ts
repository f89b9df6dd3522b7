import type { Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countedConnection, testSchema } from '../../../test/postgres'
import { subscription } from '../testing/factories'
import { migrate } from './migrate'
import { createOutcomeGroup } from './outcome-group'
import { postgresStore } from './postgres-store'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())

const T = Date.parse('2025-02-01T10:00:00.000Z')
const delivered = { delivered: true, disableAfter: 3, at: T }
const failed = { delivered: false, disableAfter: 3, at: T }

describe('createOutcomeGroup', () => {
  it('resets the counts of many subscriptions in one statement', async () => {
    const store = postgresStore(db.sql)
    const subs = Array.from({ length: 5 }, (_, i) =>
      subscription({ owner: 'og-many', consecutive_failures: i }),
    )
    for (const s of subs) await store.create(s)
    const { sql, statements } = countedConnection(db.schema)
    try {
      await sql`select 1` // connected (the driver reads the array types first)
      statements.length = 0
      const outcomes = createOutcomeGroup(sql)
      const results = await Promise.all(subs.map((s) => outcomes.record(s.owner, s.id, delivered)))
      expect(results).toEqual(Array(5).fill(false))
      expect(statements).toHaveLength(1)
      for (const s of subs) {
        const after = await store.get(s.owner, s.id)
        expect(after?.consecutive_failures).toBe(0)
        // Only a row with a count to reset is written.
        expect(after?.updated_at).toBe(
          s.consecutive_failures === 0 ? s.updated_at : new Date(T).toISOString(),
        )
      }
    } finally {
      await sql.end()
    }
  })

  it('applies calls in call order, so a failure after a success is not wiped by its reset', async () => {
    const store = postgresStore(db.sql)
    const s = subscription({ owner: 'og-order', consecutive_failures: 2 })
    await store.create(s)
    const outcomes = createOutcomeGroup(db.sql)
    const results = await Promise.all([
      outcomes.record(s.owner, s.id, delivered),
      outcomes.record(s.owner, s.id, failed),
      outcomes.record(s.owner, s.id, delivered),
      outcomes.record(s.owner, s.id, failed),
      outcomes.record(s.owner, s.id, failed),
      outcomes.record(s.owner, s.id, failed),
    ])
    // 0, 1, 0, 1, 2, 3: only the last failure reaches disableAfter.
    expect(results).toEqual([false, false, false, false, false, true])
    expect(await store.get(s.owner, s.id)).toMatchObject({
      consecutive_failures: 3,
      status: 'disabled',
    })
  })

  it('rejects only the faulty call of a grouped reset', async () => {
    const store = postgresStore(db.sql)
    const good = subscription({ owner: 'og-faulty', consecutive_failures: 2 })
    const other = subscription({ owner: 'og-faulty', consecutive_failures: 1 })
    await store.create(good)
    await store.create(other)
    const outcomes = createOutcomeGroup(db.sql)
    const results = await Promise.allSettled([
      outcomes.record(good.owner, good.id, delivered),
      outcomes.record(other.owner, other.id, { ...delivered, at: Number.NaN }),
    ])
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected'])
    expect((await store.get(good.owner, good.id))?.consecutive_failures).toBe(0)
    expect((await store.get(other.owner, other.id))?.consecutive_failures).toBe(1)
  })

  it('runs a call made while the last group is finishing (no call is left waiting)', async () => {
    // A driver that answers every statement at once: what is left to test is the group's own
    // hand-over. Each offset puts the second call at another microtask of the first one's end.
    const instant = (() => Promise.resolve([])) as unknown as Sql
    const ticks = async (n: number) => {
      for (let i = 0; i < n; i++) await Promise.resolve()
    }
    for (let offset = 0; offset < 40; offset++) {
      const outcomes = createOutcomeGroup(instant)
      await outcomes.record('acme', 'sub_a', delivered)
      await ticks(offset)
      const second = outcomes.record('acme', 'sub_b', delivered).then(() => 'done')
      const outcome = await Promise.race([second, ticks(200).then(() => 'left waiting')])
      expect({ offset, outcome }).toEqual({ offset, outcome: 'done' })
    }
  })
})
