import { describe, expect, it } from 'vitest'
import { IDEMPOTENCY_WINDOW_MS, type MessageRecord } from '../queue/message-log'
import type { QueueWrite } from '../queue/queue-write'
import { attempt, job, nextId } from '../testing/factories'
import { connectSqlite } from './connect-sqlite'
import { type SqliteDriver, transaction } from './driver'
import { applyQueueWrites } from './queue-writes'

/** A migrated in-memory database that counts the statements it runs. */
async function database() {
  const db = await connectSqlite({ path: ':memory:' })
  const statements: string[] = []
  const run = db.run.bind(db)
  db.run = (sql, params) => {
    statements.push(sql)
    return run(sql, params)
  }
  return { db, statements }
}

const contents = (db: SqliteDriver) => ({
  jobs: db.all(
    'select id, attempt, next_attempt_at, available_at, status from rh_jobs order by id',
    [],
  ),
  messages: db.all('select id, idempotency_key from rh_messages order by id', []),
  attempts: db.all('select seq, id, outcome from rh_attempts order by seq', []),
})

async function writtenInOrder(writes: QueueWrite[]) {
  const { db } = await database()
  for (const write of writes) transaction(db, () => applyQueueWrites(db, [write]))
  return contents(db)
}

describe('applyQueueWrites', () => {
  it('writes alike writes together, ending as if they were written one by one', async () => {
    const jobs = Array.from({ length: 40 }, (_, i) => job(i))
    const writes: QueueWrite[] = [
      ...jobs
        .slice(0, 35)
        .map((j): QueueWrite => ({ kind: 'complete', id: j.id, status: 'delivered' })),
      ...Array.from({ length: 34 }, (): QueueWrite => ({ kind: 'attempt', record: attempt() })),
      { kind: 'reschedule', id: (jobs[36] as { id: string }).id, attempt: 1, at: 5000 },
      ...Array.from(
        { length: 3 },
        (_, i): QueueWrite => ({ kind: 'enqueue', jobs: [job(100 + i)] }),
      ),
    ]
    const { db, statements } = await database()
    transaction(db, () =>
      applyQueueWrites(db, [...jobs.map((j): QueueWrite => ({ kind: 'enqueue', jobs: [j] }))]),
    )
    statements.length = 0
    transaction(db, () => applyQueueWrites(db, writes))
    // 35 completes, 3 enqueues, 1 reschedule, 34 attempts: in 2 + 1 + 1 + 2 statements. A
    // completion is an UPDATE of the job's status: the row stays, out of the pending ones.
    expect(statements).toHaveLength(6)
    const expected = await writtenInOrder([
      ...jobs.map((j): QueueWrite => ({ kind: 'enqueue', jobs: [j] })),
      ...writes,
    ])
    expect(contents(db)).toEqual(expected)
    expect(contents(db).jobs).toHaveLength(43)
    expect(contents(db).jobs.filter((row) => row.status === 'pending')).toHaveLength(8)
    expect(contents(db).attempts).toHaveLength(34)
  })

  it('writes one by one, in order, when two writes name the same job', async () => {
    const j = job(0)
    const writes: QueueWrite[] = [
      { kind: 'enqueue', jobs: [j] },
      { kind: 'complete', id: j.id, status: 'failed' },
      { kind: 'reschedule', id: j.id, attempt: 5, at: 9 },
      { kind: 'enqueue', jobs: [{ ...j, attempt: 2 }] },
    ]
    const { db } = await database()
    transaction(db, () => applyQueueWrites(db, writes))
    expect(contents(db)).toEqual(await writtenInOrder(writes))
    // Completed (its attempt counted), then neither rescheduled nor enqueued again: its id is known.
    expect(contents(db).jobs).toEqual([
      { id: j.id, attempt: 1, next_attempt_at: 0, available_at: 0, status: 'failed' },
    ])
  })
  it('writes one by one, in order, when a subscription is cancelled in the group', async () => {
    const kept = { ...job(0), subscription_id: 'sub_kept' }
    const dropped = job(1)
    const after = job(2)
    const writes: QueueWrite[] = [
      { kind: 'enqueue', jobs: [kept, dropped] },
      { kind: 'cancel', subscriptionId: dropped.subscription_id },
      { kind: 'enqueue', jobs: [after] },
    ]
    const { db } = await database()
    transaction(db, () => applyQueueWrites(db, writes))
    expect(contents(db)).toEqual(await writtenInOrder(writes))
    expect(contents(db).jobs.map((row) => [row.id, row.status])).toEqual([
      [kept.id, 'pending'],
      [dropped.id, 'cancelled'],
      [after.id, 'pending'],
    ])
  })

  it('logs the messages of a group in order: a key taken earlier in the group is a duplicate', async () => {
    const message = (key: string | null, at = 100): MessageRecord => ({
      id: nextId('msg'),
      owner: 'alice',
      event: 'post.created',
      body: '{}',
      created_at: at,
      idempotency_key: key,
    })
    const [first, again, plain] = [message('order-7'), message('order-7', 200), message(null)]
    const jobOf = (m: MessageRecord) => job(m.created_at, { message_id: m.id })
    const writes: QueueWrite[] = [
      { kind: 'enqueue', jobs: [jobOf(first)], message: first },
      { kind: 'enqueue', jobs: [jobOf(again), jobOf(again)], message: again },
      { kind: 'enqueue', jobs: [jobOf(plain)], message: plain },
    ]
    const { db } = await database()
    const duplicates = transaction(db, () => applyQueueWrites(db, writes))
    expect([...duplicates]).toEqual([[writes[1], first.id]])
    expect(contents(db).messages).toEqual([
      { id: first.id, idempotency_key: 'order-7' },
      { id: plain.id, idempotency_key: null },
    ])
    expect(contents(db).jobs).toHaveLength(2)
    expect(contents(db)).toEqual(await writtenInOrder(writes))

    // Past its window the key is free: the old message lets go of it, the new one takes it.
    const later = message('order-7', 100 + IDEMPOTENCY_WINDOW_MS)
    const taken = transaction(db, () =>
      applyQueueWrites(db, [{ kind: 'enqueue', jobs: [], message: later }]),
    )
    expect(taken.size).toBe(0)
    expect(contents(db).messages).toEqual([
      { id: first.id, idempotency_key: null },
      { id: plain.id, idempotency_key: null },
      { id: later.id, idempotency_key: 'order-7' },
    ])
  })
})
