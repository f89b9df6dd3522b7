import type { PendingQuery, Row, Sql } from 'postgres'
import type { AttemptRecord, DeliveryJob } from '../queue/delivery-queue'
import { commitOrEachAlone } from '../queue/group-commit'
import type { FinalStatus, MessageRecord } from '../queue/message-log'
import type { PendingWrite as Pending, QueueWrite } from '../queue/queue-write'
import { textArray } from './text-array'

/** What a segment does to one job: its last reschedule, or its completion. */
type JobUpdate =
  | { kind: 'reschedule'; attempt: number; at: number }
  /** `base`: the attempt count a reschedule earlier in the segment set, else `null`. */
  | { kind: 'complete'; status: FinalStatus; base: number | null }

/** The writes of one statement: same snapshot, so no row is both written here and read. */
class Segment {
  readonly members: Pending[] = []
  readonly jobs: DeliveryJob[] = []
  readonly messages: MessageRecord[] = []
  readonly attempts: AttemptRecord[] = []
  /** Final state per job id (a completion stands: a later reschedule of it is a no-op). */
  readonly updates = new Map<string, JobUpdate>()
  readonly cancels = new Set<string>()
  readonly enqueuedIds = new Set<string>()
  readonly enqueuedSubscriptions = new Set<string>()

  /**
   * Whether `write` joins this statement with the same effect as running after it. The CTEs of
   * one statement all see the snapshot before it, so a write that must see an earlier write of
   * the group (update a job enqueued in it; cancel a subscription whose job it enqueued, or
   * after any job update: two CTEs updating one row leave only one of the updates) starts the
   * next statement instead.
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
        return this.updates.size === 0 && !this.enqueuedSubscriptions.has(write.subscriptionId)
    }
  }

  add(pending: Pending): void {
    this.members.push(pending)
    const { write } = pending
    switch (write.kind) {
      case 'enqueue': {
        const { message } = write
        if (message) this.messages.push(message)
        for (const job of write.jobs) {
          // The bytes of a job of the logged message are the message's: the job row keeps none,
          // so its claim and completion copy ~150 bytes instead of the whole envelope again.
          const inMessage = job.message_id === message?.id && job.body === message.body
          this.jobs.push(inMessage ? { ...job, body: '' } : job)
          this.enqueuedIds.add(job.id)
          this.enqueuedSubscriptions.add(job.subscription_id)
        }
        return
      }
      case 'attempt':
        this.attempts.push(write.record)
        return
      case 'reschedule':
        // A job completed earlier in the group stays final, as it would one statement later.
        if (this.updates.get(write.id)?.kind !== 'complete') {
          this.updates.set(write.id, { kind: 'reschedule', attempt: write.attempt, at: write.at })
        }
        return
      case 'complete': {
        const before = this.updates.get(write.id)
        if (before?.kind === 'complete') return
        const base = before?.kind === 'reschedule' ? before.attempt : null
        this.updates.set(write.id, { kind: 'complete', status: write.status, base })
        return
      }
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
 *
 * A completion keeps the job's row (no extra write per delivery): its status becomes final, the
 * attempt just made is counted (a cancelled job was not attempted) and its body is emptied (its
 * message keeps the bytes). Only a pending job is rescheduled, completed or cancelled. Resolves
 * how many jobs the cancels ended (rows they left dead, for the vacuum).
 */
async function runSegment(sql: Sql, channel: string, segment: Segment, from = ''): Promise<number> {
  const reschedules: Array<{ id: string; attempt: number; at: number }> = []
  const completes: Array<{ id: string; status: FinalStatus; base: number | null; made: number }> =
    []
  for (const [id, update] of segment.updates) {
    if (update.kind === 'reschedule') {
      reschedules.push({ id, attempt: update.attempt, at: update.at })
    } else {
      const { status, base } = update
      completes.push({ id, status, base, made: status === 'cancelled' ? 0 : 1 })
    }
  }
  // Only the CTEs this segment needs: every prepared variant has no empty part, so its plans
  // cost what its work costs (and planning a CTE that writes nothing is not paid for).
  const ctes: PendingQuery<Row[]>[] = []
  if (segment.messages.length > 0) {
    ctes.push(sql`logged as (
      insert into rh_messages (id, owner, event, body, created_at, idempotency_key)
      select id, owner, event, body, created_at, idempotency_key
      from json_to_recordset(${JSON.stringify(segment.messages)}::text::json) as m(id text,
        owner text, event text, body text, created_at bigint, idempotency_key text)
      on conflict do nothing
    )`)
  }
  if (segment.jobs.length > 0) {
    ctes.push(sql`enqueued as (
      insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
        next_attempt_at, created_at, available_at, updated_at, fifo)
      select id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at,
        created_at, next_attempt_at, created_at, coalesce(fifo, false)
      from json_to_recordset(${JSON.stringify(segment.jobs)}::text::json) as j(id text,
        message_id text, subscription_id text, owner text, event text, body text,
        attempt integer, next_attempt_at bigint, created_at bigint, fifo boolean)
      on conflict (id) do nothing
    )`)
  }
  if (segment.attempts.length > 0) {
    ctes.push(sql`attempts as (
      insert into rh_attempts (id, subscription_id, owner, message_id, event, attempt, outcome,
        response_status, error, response_excerpt, duration_ms, started_at, next_attempt_at)
      select id, subscription_id, owner, message_id, event, attempt, outcome, response_status,
        error, response_excerpt, duration_ms, started_at, next_attempt_at
      from json_to_recordset(${JSON.stringify(segment.attempts)}::text::json) as a(id text,
        subscription_id text, owner text, message_id text, event text, attempt integer,
        outcome text, response_status integer, error text, response_excerpt text,
        duration_ms integer, started_at timestamptz, next_attempt_at timestamptz)
      on conflict (id) do nothing
    )`)
  }
  if (reschedules.length > 0) {
    ctes.push(sql`rescheduled as (
      update rh_jobs set attempt = r.attempt, next_attempt_at = r.at, available_at = r.at
      from json_to_recordset(${JSON.stringify(reschedules)}::text::json) as r(id text,
        attempt integer, at bigint)
      where rh_jobs.id = any(${textArray(reschedules.map((r) => r.id))}::text[])
        and rh_jobs.id = r.id and rh_jobs.status = 'pending'
    )`)
  }
  if (completes.length > 0) {
    ctes.push(sql`completed as (
      update rh_jobs set status = c.status, body = '',
        attempt = coalesce(c.base, rh_jobs.attempt) + c.made
      from json_to_recordset(${JSON.stringify(completes)}::text::json) as c(id text,
        status text, base integer, made integer)
      where rh_jobs.id = any(${textArray(completes.map((c) => c.id))}::text[])
        and rh_jobs.id = c.id and rh_jobs.status = 'pending'
    )`)
  }
  const cancels = segment.cancels.size > 0
  if (cancels) {
    ctes.push(sql`cancelled as (
      update rh_jobs set status = 'cancelled', body = ''
      where subscription_id = any(${textArray(segment.cancels)}::text[]) and status = 'pending'
      returning 1
    )`)
  }
  const [first, ...rest] = ctes
  if (!first) return 0
  const withs = rest.reduce((all, cte) => sql`${all}, ${cte}`, first)
  const [row] = await sql`
    with ${withs}
    select ${cancels ? sql`(select count(*)::integer from cancelled)` : sql`0`} as cancelled,
      ${segment.jobs.length > 0 ? sql`pg_notify(${channel}, ${from})` : sql`null`} as woke`
  return Number(row?.cancelled ?? 0)
}

/**
 * Writes one group of the PostgreSQL queue: one statement per segment (usually one), so one
 * round trip and one WAL flush for many deliveries instead of one per call; an enqueue logs its
 * message in the same statement as its jobs. Each write resolves only once its statement
 * committed, so a resolved `enqueue` is as durable as before. If a statement fails, each of its
 * writes is retried alone, so only a faulty write rejects. `onCancelled` hears how many jobs
 * each statement's cancels ended. `from` is the payload of the statement's `pg_notify` (the
 * queue's own id, so that its own listener can tell its own enqueues from other processes').
 *
 * @example
 * const writes = createQueueWriter((group) => applyQueueWrites(sql, 'rh_wake', group))
 * await writes.write({ kind: 'complete', id: 'dlv_...', status: 'delivered' })
 */
export async function applyQueueWrites(
  sql: Sql,
  channel: string,
  group: readonly Pending[],
  onCancelled: (rows: number) => void = () => {},
  from = '',
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
    await commitOrEachAlone(segment.members, async (some) => {
      const members = some === segment.members ? segment : segmentOf(some)
      onCancelled(await runSegment(sql, channel, members, from))
    })
  }
}

/**
 * Enqueues `jobs` (and logs their `message`, when given) now, with the grouped statement but
 * outside the group: for a caller that writes them in a transaction of its own or of the
 * application (`sql` is then that transaction; its `pg_notify` is sent when it commits).
 *
 * @example
 * await sql.begin((tx) => insertJobsNow(tx, 'rh_wake', jobs))
 */
export async function insertJobsNow(
  sql: Sql,
  channel: string,
  jobs: readonly DeliveryJob[],
  message?: MessageRecord,
): Promise<void> {
  if (jobs.length === 0 && message === undefined) return
  const segment = new Segment()
  segment.add({ write: { kind: 'enqueue', jobs, message }, resolve: () => {}, reject: () => {} })
  await runSegment(sql, channel, segment)
}
