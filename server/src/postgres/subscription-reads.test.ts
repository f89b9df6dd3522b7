import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { countedConnection, testSchema } from '../../../test/postgres'
import { subscription } from '../testing/factories'
import { migrate } from './migrate'
import { postgresStore } from './postgres-store'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())

describe('postgresStore get, batched', () => {
  it('reads the subscriptions asked for in one run with one query, each answer its own copy', async () => {
    const subs = Array.from({ length: 40 }, (_, i) =>
      subscription({
        owner: 'reads-batch',
        metadata: { i: String(i) },
        filter: { path: 'n', eq: String(i) },
      }),
    )
    const writer = postgresStore(db.sql)
    for (const s of subs) await writer.create(s)
    const { sql, statements } = countedConnection(db.schema)
    try {
      await sql`select 1` // connected (the driver reads the array types first)
      statements.length = 0
      const store = postgresStore(sql)
      const read = await Promise.all([...subs, subs[0]].map((s) => store.get(s!.owner, s!.id)))
      expect(statements).toHaveLength(1)
      expect(read.map((s) => s?.id)).toEqual([...subs, subs[0]].map((s) => s?.id))
      expect(read[3]?.metadata).toEqual({ i: '3' })
      // The same row asked for twice: two objects, so one caller's change never shows in another's.
      expect(read[0]).not.toBe(read[40])
      expect(read[0]?.filter).not.toBe(read[40]?.filter)
    } finally {
      await sql.end()
    }
  })

  it('answers null for an id of another owner and for an unknown id, in the same batch', async () => {
    const mine = subscription({ owner: 'reads-a' })
    const theirs = subscription({ owner: 'reads-b' })
    const store = postgresStore(db.sql)
    await store.create(mine)
    await store.create(theirs)
    const [own, other, unknown] = await Promise.all([
      store.get('reads-a', mine.id),
      store.get('reads-a', theirs.id),
      store.get('reads-a', 'sub_missing'),
    ])
    expect(own?.id).toBe(mine.id)
    expect(other).toBeNull()
    expect(unknown).toBeNull()
  })

  it('never answers with a row read before the call: a read asked for during a query waits for the next', async () => {
    const s = subscription({ owner: 'reads-fresh', consecutive_failures: 0 })
    const store = postgresStore(db.sql)
    await store.create(s)
    const first = store.get(s.owner, s.id)
    // On the wire now; the update commits before the second read is asked for.
    await store.update(s.owner, s.id, {
      consecutive_failures: 4,
      updated_at: new Date().toISOString(),
    })
    const second = await store.get(s.owner, s.id)
    expect((await first)?.id).toBe(s.id)
    expect(second?.consecutive_failures).toBe(4)
  })
})
