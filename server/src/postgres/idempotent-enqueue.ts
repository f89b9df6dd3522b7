import type { Sql } from 'postgres'
import type { DeliveryJob } from '../queue/delivery-queue'
import { IDEMPOTENCY_WINDOW_MS, type MessageRecord } from '../queue/message-log'

/** Rounds of "the key's holder expired, free it, try again" before giving up on a busy key. */
const MAX_ROUNDS = 3

/**
 * Enqueues the jobs of a message that has an idempotency key, in ONE transaction: the message
 * goes in first (`on conflict do nothing` against the unique `(owner, idempotency_key)`), and
 * only when it went in do its jobs (with `pg_notify`). When the key is taken, the holder is
 * read: within {@link IDEMPOTENCY_WINDOW_MS} of this message it is the answer (`duplicateOf`),
 * nothing written; older, its key is cleared and the insert tried again. Atomic across
 * processes: a concurrent insert of the same key waits for the first transaction to end, then
 * sees its row, so exactly one of them enqueues. A message whose id is already logged (the same
 * enqueue again) only adds the jobs not yet known. `insertJobs` writes the jobs in `tx`.
 *
 * @example
 * const result = await enqueueWithKey(sql, jobs, message, (tx, jobs) => insertJobs(tx, jobs))
 * if (result) return result // { duplicateOf: 'msg_...' }
 */
export async function enqueueWithKey(
  sql: Sql,
  jobs: readonly DeliveryJob[],
  message: MessageRecord & { idempotency_key: string },
  insertJobs: (tx: Sql, jobs: readonly DeliveryJob[]) => Promise<void>,
): Promise<{ duplicateOf: string } | undefined> {
  return (await sql.begin((tx) =>
    enqueueWithKeyIn(tx as unknown as Sql, jobs, message, insertJobs),
  )) as { duplicateOf: string } | undefined
}

/**
 * {@link enqueueWithKey} inside a transaction that is already open (`tx`): the caller's own, for
 * a notify in its transaction. A concurrent transaction holding the same key makes this one wait
 * for its end (the unique index), then see its row, or take the key if it rolled back.
 *
 * @example
 * await sql.begin((tx) => enqueueWithKeyIn(tx, jobs, message, insertJobs))
 */
export async function enqueueWithKeyIn(
  tx: Sql,
  jobs: readonly DeliveryJob[],
  message: MessageRecord & { idempotency_key: string },
  insertJobs: (tx: Sql, jobs: readonly DeliveryJob[]) => Promise<void>,
): Promise<{ duplicateOf: string } | undefined> {
  const { id, owner, event, body, created_at, idempotency_key: key } = message
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const inserted = await tx`
      insert into rh_messages (id, owner, event, body, created_at, idempotency_key)
      values (${id}, ${owner}, ${event}, ${body}, ${created_at}, ${key})
      on conflict do nothing
      returning id`
    if (inserted.length === 0) {
      const [holder] = await tx`
        select id, created_at from rh_messages where owner = ${owner} and idempotency_key = ${key}`
      if (holder && holder.id !== id) {
        if (Number(holder.created_at) + IDEMPOTENCY_WINDOW_MS > created_at) {
          return { duplicateOf: holder.id as string }
        }
        await tx`
          update rh_messages set idempotency_key = null
          where id = ${holder.id} and idempotency_key = ${key}`
        continue
      }
      // No holder: the conflict was on the id, this very message is logged already.
    }
    await insertJobs(tx, jobs)
    return undefined
  }
  throw new Error(`idempotency key ${JSON.stringify(key)} of ${owner} is changing hands too fast`)
}
