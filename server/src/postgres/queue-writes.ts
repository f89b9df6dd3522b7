import type { Sql } from 'postgres'
import type { AttemptRecord, DeliveryJob } from '../queue/delivery-queue'
import { commitOrEachAlone } from '../queue/group-commit'
import type { PendingWrite as Pending, QueueWrite } from '../queue/queue-write'
import { textArray } from './text-array'

/** The writes of one statement: same snapshot, so no row is both written here and read. */
class Segment {
  readonly members: Pending[] = []
  readonly jobs: DeliveryJob[] = []
  readonly attempts: AttemptRecord[] = []
  /** Final state per job id: `null` = deleted, else its new attempt and due time. */
  readonly updates = new Map<string, { attempt: number; at: number } | null>()
  readonly cancels = new Set<string>()
  readonly enqueuedIds = new Set<string>()
  readonly enqueuedSubscriptions = new Set<string>()
  rescheduled = false

  /**
   * Whether `write` joins this statement with the same effect as running after it. The CTEs of
   * one statement all see the snapshot before it, so a write that must see an earlier write of
   * the group (update a job enqueued in it; cancel a subscription whose job it enqueued or
   * rescheduled) starts the next statement instead.
   */
  accepts(write: QueueWrite): boolean {
    switch (write.kind) {
      case 'enqueue':
        return write.jobs.every((job) => !this.updates.has(job.id))
      case 'attempt':
        return true
      case 'reschedule':
      case 'complete':
        return !this.enqueuedIds.has(write.id) && this.cancels.size === 0
      case 'cancel':
        return !this.rescheduled && !this.enqueuedSubscriptions.has(write.subscriptionId)
    }
  }

  add(pending: Pending): void {
    this.members.push(pending)
    const { write } = pending
    switch (write.kind) {
      case 'enqueue':
        for (const job of write.jobs) {
          this.jobs.push(job)
          this.enqueuedIds.add(job.id)
          this.enqueuedSubscriptions.add(job.subscription_id)
        }
        return
      case 'attempt':
        this.attempts.push(write.record)
        return
      case 'reschedule':
        // After a delete in the same group the update would find no row: the delete stands.
        if (this.updates.get(write.id) !== null) {
          this.updates.set(write.id, { attempt: write.attempt, at: write.at })
          this.rescheduled = true
        }
        return
      case 'complete':
        this.updates.set(write.id, null)
        return
      case 'cancel':
        this.cancels.add(write.subscriptionId)
        return
    }
  }
}

/** A segment of the given writes (they must be accepted together). */
function segmentOf(members: readonly Pending[]): Segment {
  const segment = new Segment()
  for (const pending of members) segment.add(pending)
  return segment
}

/**
 * Runs one segment as ONE statement (one round trip, one transaction, one WAL flush): data-
 * modifying CTEs for every kind of write, and `pg_notify` when it enqueued something. The
 * statement text never changes, so it is prepared once per connection. Jobs are found by
 * `= any(array)`, an index condition: a join with a JSON record set was planned as a hash join
 * over a sequential scan of `rh_jobs` (its live rows and every dead one), in each statement.
 */
async function runSegment(sql: Sql, channel: string, segment: Segment): Promise<void> {
  const reschedules: Array<{ id: string; attempt: number; at: number }> = []
  const completes: string[] = []
  for (const [id, update] of segment.updates) {
    if (update === null) completes.push(id)
    else reschedules.push({ id, ...update })
  }
  await sql`
    with enqueued as (
      insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
        next_attempt_at, created_at, available_at)
      select id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at,
        created_at, next_attempt_at
      from json_to_recordset(${JSON.stringify(segment.jobs)}::text::json) as j(id text,
        message_id text, subscription_id text, owner text, event text, body text,
        attempt integer, next_attempt_at bigint, created_at bigint)
      on conflict (id) do nothing
    ), attempts as (
      insert into rh_attempts (id, subscription_id, owner, message_id, event, attempt, outcome,
        response_status, error, duration_ms, started_at, next_attempt_at)
      select id, subscription_id, owner, message_id, event, attempt, outcome, response_status,
        error, duration_ms, started_at, next_attempt_at
      from json_to_recordset(${JSON.stringify(segment.attempts)}::text::json) as a(id text,
        subscription_id text, owner text, message_id text, event text, attempt integer,
        outcome text, response_status integer, error text, duration_ms integer,
        started_at timestamptz, next_attempt_at timestamptz)
      on conflict (id) do nothing
    ), rescheduled as (
      update rh_jobs set attempt = r.attempt, next_attempt_at = r.at, available_at = r.at
      from json_to_recordset(${JSON.stringify(reschedules)}::text::json) as r(id text,
        attempt integer, at bigint)
      where rh_jobs.id = any(${textArray(reschedules.map((r) => r.id))}::text[]) and rh_jobs.id = r.id
    ), completed as (
      delete from rh_jobs where id = any(${textArray(completes)}::text[])
    ), cancelled as (
      delete from rh_jobs where subscription_id = any(${textArray(segment.cancels)}::text[])
    )
    select pg_notify(${channel}, '') where ${segment.jobs.length > 0}::boolean`
}

/**
 * Writes one group of the PostgreSQL queue: one statement per segment (usually one), so one
 * round trip and one WAL flush for many deliveries instead of one per call. Each write resolves
 * only once its statement committed, so a resolved `enqueue` is as durable as before. If a
 * statement fails, each of its writes is retried alone, so only a faulty write rejects.
 *
 * @example
 * const writes = createQueueWriter((group) => applyQueueWrites(sql, 'rh_wake', group))
 * await writes.write({ kind: 'complete', id: 'dlv_...' })
 */
export async function applyQueueWrites(
  sql: Sql,
  channel: string,
  group: readonly Pending[],
): Promise<void> {
  const segments: Segment[] = []
  let current = new Segment()
  for (const pending of group) {
    if (!current.accepts(pending.write)) {
      segments.push(current)
      current = new Segment()
    }
    current.add(pending)
  }
  segments.push(current)
  for (const segment of segments) {
    await commitOrEachAlone(segment.members, (some) =>
      runSegment(sql, channel, some === segment.members ? segment : segmentOf(some)),
    )
  }
}
