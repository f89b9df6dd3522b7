import type { Attempt } from '@rh/protocol'
import type { Page } from '../page'
import type { FinalStatus, MessageLog, MessageRecord } from './message-log'

/**
 * One pending delivery of one notification to one subscription. It is data, not a loop in
 * memory: the engine claims due jobs, attempts them, and reschedules or completes them.
 */
export interface DeliveryJob {
  /** Unique id of this delivery (notification x subscription). */
  id: string
  /** The `webhook-id`: one per notification, the same on every retry and every subscription. */
  message_id: string
  subscription_id: string
  owner: string
  event: string
  /** The exact envelope bytes (JSON text) sent on every attempt. */
  body: string
  /** Attempts already made (0 before the first). */
  attempt: number
  /** When the next attempt is due, in ms since the epoch. */
  next_attempt_at: number
  /** When `notify` accepted it, in ms since the epoch. */
  created_at: number
  /**
   * Set (from the subscription's `ordering: 'fifo'`) when the job is in its subscription's
   * line: a queue hands it out only while no other pending job of that subscription is in
   * flight or waiting for a retry, and only when it is the first of them in message order
   * (`created_at`, then `message_id`). Absent: unordered.
   */
  fifo?: boolean
}

/** A stored attempt: the wire {@link Attempt} plus the subscription it belongs to. */
export interface AttemptRecord extends Attempt {
  subscription_id: string
  owner: string
}

/**
 * The jobs half of durable delivery state. `enqueue` must be durable when it resolves (an outbox):
 * `notify` resolves only after it. Workers `claim` due jobs with a lease; a job whose lease runs
 * out (its worker died) becomes claimable again, so nothing accepted is ever lost.
 */
export interface JobQueue {
  /**
   * Adds the jobs (a job whose id is known is ignored) and, when given, logs their `message` in
   * the same commit, also with no jobs. When the message has an `idempotency_key` its owner
   * already used within `IDEMPOTENCY_WINDOW_MS`, nothing is written and the earlier message's id
   * is returned as `duplicateOf` (atomically, also across processes).
   */
  enqueue(jobs: DeliveryJob[], message?: MessageRecord): Promise<void | { duplicateOf: string }>
  /**
   * As `enqueue`, but inside the caller's open transaction `tx` (a transactional outbox): the
   * message and its jobs commit with the caller's own writes, or roll back with them, and no
   * group commit is involved (the caller's commit is the commit). Workers are woken by the
   * commit itself (PostgreSQL: `pg_notify` inside `tx`; SQLite: after its transaction commits),
   * never before it. An idempotency key works as in `enqueue`; a concurrent transaction holding
   * the same key makes this one wait for its end. Rejects a `tx` this queue cannot join. Absent
   * where there is nothing to join (the memory queue).
   */
  enqueueIn?(
    tx: NotifyTransaction,
    jobs: DeliveryJob[],
    message: MessageRecord,
  ): Promise<void | { duplicateOf: string }>
  /**
   * Up to `limit` jobs due at `now`, leased until `now + leaseMs`. Of a subscription's `fifo`
   * jobs only the first in message order is claimable, and only while none of the others is
   * leased or waiting for its retry (also across processes and after a lease ran out).
   */
  claim(now: number, limit: number, leaseMs: number): Promise<DeliveryJob[]>
  /**
   * The job is finished with `status`: it is never claimed again, and the message log shows its
   * delivery with that status until the message is pruned.
   */
  complete(id: string, status: FinalStatus): Promise<void>
  /** Releases the lease and sets the next attempt. */
  reschedule(id: string, attempt: number, nextAttemptAt: number): Promise<void>
  /** Earliest `next_attempt_at` (or lease expiry) of any job, or `null` when empty. */
  nextDueAt(): Promise<number | null>
  /** Number of jobs not yet completed (`pending` deliveries). */
  size(): Promise<number>
  /** Every pending job of a subscription becomes `cancelled` (it was deleted or answered 410). */
  cancelSubscription(subscriptionId: string): Promise<void>
  /** Calls `wake` when another process enqueued work (LISTEN/NOTIFY); returns an unsubscribe. */
  onWake?(wake: () => void): () => void
  close?(): Promise<void>
}

/**
 * The smallest thing that runs SQL in an open PostgreSQL transaction: `text` with `$1`, `$2`
 * placeholders and its `params`. A node-postgres (`pg`) client inside `BEGIN` is one as it is;
 * Drizzle, Kysely and others satisfy it with a few lines (see the server README).
 *
 * @example
 * const client = await pool.connect()
 * await client.query('begin')
 * await rh.notify('acme', 'order.paid', { id: 'o_1' }, { tx: client }) // client: SqlExecutor
 * await client.query('commit')
 */
export interface SqlExecutor {
  query(text: string, params: unknown[]): Promise<{ rows: Record<string, unknown>[] }>
}

/**
 * A transaction of the caller that `notify` joins (see `JobQueue.enqueueIn`): on PostgreSQL, the
 * `tx` of the `postgres` driver's `sql.begin((tx) => …)` (a tagged-template function) or a
 * {@link SqlExecutor}; on SQLite, the `tx` that `sqlite(…).transaction((tx) => …)` hands over.
 *
 * @example
 * await sql.begin(async (tx) => {
 *   await tx`insert into orders (id) values ('o_1')`
 *   await rh.notify('acme', 'order.created', { id: 'o_1' }, { tx }) // tx: NotifyTransaction
 * })
 */
export type NotifyTransaction = SqlExecutor | ((...args: never[]) => unknown) | object

/** The history half of durable delivery state: every attempt made, readable per subscription. */
export interface AttemptLog {
  recordAttempt(attempt: AttemptRecord): Promise<void>
  /** Attempts of one subscription, newest first. */
  listAttempts(
    owner: string,
    subscriptionId: string,
    query: { cursor?: string | undefined; limit: number },
  ): Promise<Page<AttemptRecord>>
}

/**
 * Durable delivery state: a {@link JobQueue}, an {@link AttemptLog} and a {@link MessageLog} in
 * one object, so that a backend writes a job's reschedule and its attempt in the same commit. The
 * delivery engine and the handlers use this combined interface; every built-in queue implements
 * all three.
 */
export interface DeliveryQueue extends JobQueue, AttemptLog, MessageLog {}
