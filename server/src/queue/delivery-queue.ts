import type { Attempt } from '@rh/protocol'
import type { Page } from '../page'

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
  enqueue(jobs: DeliveryJob[]): Promise<void>
  /** Up to `limit` jobs due at `now`, leased until `now + leaseMs`. */
  claim(now: number, limit: number, leaseMs: number): Promise<DeliveryJob[]>
  /** The job is finished (delivered, gone, or given up): remove it. */
  complete(id: string): Promise<void>
  /** Releases the lease and sets the next attempt. */
  reschedule(id: string, attempt: number, nextAttemptAt: number): Promise<void>
  /** Earliest `next_attempt_at` (or lease expiry) of any job, or `null` when empty. */
  nextDueAt(): Promise<number | null>
  /** Number of jobs not yet completed. */
  size(): Promise<number>
  /** Drops every pending job of a subscription (it was deleted or answered 410). */
  cancelSubscription(subscriptionId: string): Promise<void>
  /** Calls `wake` when another process enqueued work (LISTEN/NOTIFY); returns an unsubscribe. */
  onWake?(wake: () => void): () => void
  close?(): Promise<void>
}

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
 * Durable delivery state: a {@link JobQueue} and an {@link AttemptLog} in one object, so that a
 * backend writes a job's reschedule and its attempt in the same commit. The delivery engine and
 * the handlers use this combined interface; every built-in queue implements both halves.
 */
export interface DeliveryQueue extends JobQueue, AttemptLog {}
