import type { Row, Sql } from 'postgres'
import { newId } from '../ids'
import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import { createQueueWriter } from '../queue/queue-write'
import { enqueueWithKey, enqueueWithKeyIn } from './idempotent-enqueue'
import type { PostgresOptions } from './postgres'
import { postgresMessageLog } from './postgres-message-log'
import { createQueueVacuum, DEFAULT_VACUUM_EVERY } from './queue-vacuum'
import { applyQueueWrites, insertJobsNow } from './queue-writes'
import { transactionSql } from './transaction-sql'

function toJob(row: Row): DeliveryJob {
  return {
    id: row.id,
    message_id: row.message_id,
    subscription_id: row.subscription_id,
    owner: row.owner,
    event: row.event,
    body: row.body,
    attempt: Number(row.attempt),
    next_attempt_at: Number(row.next_attempt_at),
    created_at: Number(row.created_at),
    ...(row.fifo === true ? { fifo: true } : {}),
  }
}

/**
 * The columns of claimed jobs, from the CTE `claimed` (an `update … returning *`): a job keeps
 * no body when its message has the bytes (see `queue-writes.ts`), so the body is the message's
 * then, read by primary key.
 */
const claimedJobs = (sql: Sql) => sql`
  select c.id, c.message_id, c.subscription_id, c.owner, c.event, c.attempt, c.next_attempt_at,
    c.created_at, c.fifo,
    case when c.body = '' then (select m.body from rh_messages m where m.id = c.message_id)
      else c.body end as body
  from claimed c`

/**
 * How often, in ms, a claim looks at the lines (`fifo` jobs) when it has not seen any lately:
 * a process that never has ordered subscriptions pays one small statement per second, not one
 * per claim, and still takes over a line whose worker died.
 */
const LINE_PROBE_MS = 1000
/** The first key of the advisory locks on lines (the second is the hash of the subscription). */
const LINE_LOCK_CLASS = 0x72686c6e // 'rhln'

/**
 * The subscriptions with pending `fifo` jobs: a skip scan of the line index, one seek per line
 * (never a read of the jobs waiting in them).
 */
export const linesCte = (sql: Sql) => sql`
  with recursive lines(sid) as (
    select (select subscription_id from rh_jobs where status = 'pending' and fifo
      order by subscription_id limit 1)
    union all
    select (select subscription_id from rh_jobs where status = 'pending' and fifo
      and subscription_id > lines.sid order by subscription_id limit 1)
    from lines where lines.sid is not null
  )`

/**
 * When the line of `sid` is free: the latest `available_at` of its pending jobs (the lease of
 * the one in flight, the time of a retry, or when they were queued). One index seek.
 */
export const lineDue = (sql: Sql, sid: ReturnType<Sql>) => sql`
  (select max(available_at) from rh_jobs b
   where b.subscription_id = ${sid} and b.status = 'pending' and b.fifo)`

const isoOrNull = (value: unknown) =>
  value === null || value === undefined ? null : new Date(value as string | Date).toISOString()

function toAttempt(row: Row): AttemptRecord {
  return {
    id: row.id,
    subscription_id: row.subscription_id,
    owner: row.owner,
    message_id: row.message_id,
    event: row.event,
    attempt: Number(row.attempt),
    outcome: row.outcome,
    response_status: row.response_status ?? null,
    error: row.error ?? null,
    response_excerpt: row.response_excerpt ?? null,
    duration_ms: Number(row.duration_ms),
    started_at: new Date(row.started_at).toISOString(),
    next_attempt_at: isoOrNull(row.next_attempt_at),
  }
}

/**
 * A {@link DeliveryQueue} on PostgreSQL (the `postgres` driver), shared by any number of server
 * processes. Run {@link migrate} first. Each job has one `available_at` column: its
 * `next_attempt_at`, or its lease expiry while claimed. Workers claim pending jobs with
 * `FOR UPDATE SKIP LOCKED`, so they never wait on each other nor share a lease; `enqueue`
 * notifies the channel in the same transaction, and `onWake` listens to it, so idle workers
 * wake on new work instead of polling (other processes' work: the queue's own grouped enqueues
 * are known to its engine already). A job's row stays after it ends, with its final status:
 * the message log (`rh_messages`, see {@link postgresMessageLog}) reads deliveries from it, and
 * the prune removes both. An enqueue with an idempotency key runs in a transaction of its own
 * (see {@link enqueueWithKey}); every other write joins the group commit. `enqueueIn` writes in
 * the caller's transaction instead (the `postgres` driver's `tx`, or node-postgres and others
 * through `SqlExecutor`), with the same statement and its `pg_notify`, sent when that commits.
 *
 * @example
 * await migrate(sql)
 * const queue = postgresQueue(sql, { channel: 'rh_wake' })
 */
export function postgresQueue(sql: Sql, options: PostgresOptions = {}): DeliveryQueue {
  const channel = options.channel ?? 'rh_wake'
  const stops = new Set<() => Promise<void>>()
  const vacuum = createQueueVacuum(sql, options.vacuumEvery ?? DEFAULT_VACUUM_EVERY)
  // The payload of its own grouped enqueues' `pg_notify`: the engine that enqueued knows of
  // them already, so its own listener passes them over (a claim that would find nothing new).
  // Everything else (an application's transaction, a replay) wakes every listener.
  const self = newId('rhq')
  const writes = createQueueWriter((group) =>
    applyQueueWrites(sql, channel, group, (cancelled) => vacuum.count(cancelled), self),
  )
  const log = postgresMessageLog({ sql, channel, vacuum, drain: () => writes.drain() })
  /** Whether lines (`fifo` jobs) were seen lately, and when a claim last looked. */
  let linesSeen = true
  let linesLookedAt = Number.NEGATIVE_INFINITY

  /**
   * Leases the head (first in message order) of up to `limit` lines whose jobs are all due: none
   * is in flight or waiting for its retry. Two statements sent together in one transaction:
   * the first locks each such line (`pg_try_advisory_xact_lock`: a line another worker is
   * claiming is skipped) and notes them; the second, in a snapshot taken after the locks (so after any other claim of those lines committed), checks each line again and leases
   * its head. So no two workers ever hold jobs of one line, also when an earlier message joins a
   * line late (a replay, a notify of another process).
   */
  async function claimHeads(now: number, limit: number, leaseMs: number): Promise<Row[]> {
    linesLookedAt = now
    return (await sql
      .begin((transaction) => {
        const tx = transaction as unknown as Sql
        // Sent together (pipelined): the update reads the lines the first statement locked.
        return [
          tx`
          ${linesCte(tx)}, free as (
            select sid from lines
            where sid is not null and ${lineDue(tx, tx`lines.sid`)} <= ${now}
              and pg_try_advisory_xact_lock(${LINE_LOCK_CLASS}, hashtext(sid))
            limit ${limit}
          )
          select set_config('rh.claimed_lines',
            coalesce((select json_agg(sid) from free), '[]')::text, true)`,
          tx`
          with claimed as (
            update rh_jobs set available_at = ${now + leaseMs}, updated_at = ${now}
            where id = any(array(
              select (select h.id from rh_jobs h
                where h.subscription_id = l.sid and h.status = 'pending' and h.fifo
                order by h.created_at, h.message_id limit 1)
              from json_array_elements_text(current_setting('rh.claimed_lines')::json) as l(sid)
              where ${lineDue(tx, tx`l.sid`)} <= ${now}))
            and status = 'pending' and available_at <= ${now}
            returning *
          ) ${claimedJobs(tx)}`,
        ] as const
      })
      .then((results) => (results as unknown as [Row[], Row[]])[1])) as Row[]
  }

  return {
    ...log,

    redeliver(owner, messageId, subscriptionIds, now) {
      linesSeen = true
      return log.redeliver(owner, messageId, subscriptionIds, now)
    },

    replay(owner, subscriptionId, query) {
      if (query.fifo) linesSeen = true
      return log.replay(owner, subscriptionId, query)
    },

    async enqueue(jobs, message) {
      if (!linesSeen && jobs.some((job) => job.fifo)) linesSeen = true
      const key = message?.idempotency_key
      if (message && key !== null && key !== undefined) {
        // After the writes made before it, as if it had joined their group.
        await writes.drain()
        return enqueueWithKey(sql, jobs, { ...message, idempotency_key: key }, (tx, keyed) =>
          insertJobsNow(tx, channel, keyed),
        )
      }
      if (jobs.length > 0 || message) await writes.write({ kind: 'enqueue', jobs, message })
    },

    enqueueIn(tx, jobs, message) {
      const sqlTx = transactionSql(tx)
      const key = message.idempotency_key
      if (key !== null && key !== undefined) {
        return enqueueWithKeyIn(sqlTx, jobs, { ...message, idempotency_key: key }, (t, keyed) =>
          insertJobsNow(t, channel, keyed),
        )
      }
      // The message, its jobs and `pg_notify` in one statement of `tx`: NOTIFY is sent on commit.
      return insertJobsNow(sqlTx, channel, jobs, message)
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) return []
      // The lines first (a backlog of unordered jobs never starves them), when there were some
      // lately or a second has passed; unordered jobs are claimed exactly as without lines.
      const heads =
        linesSeen || now - linesLookedAt >= LINE_PROBE_MS
          ? await claimHeads(now, limit, leaseMs)
          : []
      if (heads.length > 0) linesSeen = true
      const rest = limit - heads.length
      if (rest === 0) {
        vacuum.count(heads.length)
        return heads.map(toJob).sort(inDueOrder)
      }
      // `id = any(array(...))`: the locked ids are found by the primary key (a join with the
      // subquery was planned as a hash join over a sequential scan of the whole table).
      // Pending jobs in due order, then message order (replayed jobs are due together). The
      // claim's time is the delivery's `updated_at`: a completion takes no clock.
      const rows = await sql`
        with claimed as (
          update rh_jobs set available_at = ${now + leaseMs}, updated_at = ${now}
          where id = any(array(
            select id from rh_jobs where status = 'pending' and not fifo and available_at <= ${now}
            order by available_at, created_at, message_id limit ${rest}
            for update skip locked))
          returning *
        ) ${claimedJobs(sql)}`
      vacuum.count(rows.length + heads.length)
      const jobs = heads.length === 0 ? rows : [...heads, ...rows]
      return jobs.map(toJob).sort(inDueOrder)
    },

    complete(id, status) {
      vacuum.count(1)
      return writes.write({ kind: 'complete', id, status })
    },

    reschedule(id, attempt, nextAttemptAt) {
      vacuum.count(1)
      return writes.write({ kind: 'reschedule', id, attempt, at: nextAttemptAt })
    },

    async nextDueAt() {
      await writes.drain()
      const [row] = await sql`
        ${linesCte(sql)}
        select (select min(available_at) from rh_jobs where status = 'pending' and not fifo) as due,
          (select min(${lineDue(sql, sql`lines.sid`)}) from lines where sid is not null) as line_due`
      const due = row?.due === null || row?.due === undefined ? null : Number(row.due)
      const lineDueAt =
        row?.line_due === null || row?.line_due === undefined ? null : Number(row.line_due)
      // A line seen makes the next claims look at the lines.
      linesSeen = lineDueAt !== null
      if (lineDueAt === null) return due
      return due === null ? lineDueAt : Math.min(due, lineDueAt)
    },

    async size() {
      await writes.drain()
      const [row] = await sql`
        select (select count(*)::integer from rh_jobs where status = 'pending' and not fifo)
          + (select count(*)::integer from rh_jobs where status = 'pending' and fifo) as n`
      return Number(row?.n ?? 0)
    },

    cancelSubscription(subscriptionId) {
      return writes.write({ kind: 'cancel', subscriptionId })
    },

    recordAttempt(attempt) {
      return writes.write({ kind: 'attempt', record: attempt })
    },

    async listAttempts(owner, subscriptionId, query): Promise<Page<AttemptRecord>> {
      await writes.drain()
      const before = query.cursor === undefined ? null : decodeCursor(query.cursor)
      const rows = await sql`
        select * from rh_attempts
        where owner = ${owner} and subscription_id = ${subscriptionId}
          ${before === null ? sql`` : sql`and seq < ${before}`}
        order by seq desc limit ${query.limit + 1}`
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map(toAttempt),
        nextCursor: rows.length > query.limit && last ? BigInt(last.seq).toString(36) : null,
      }
    },

    onWake(wake) {
      // A lost LISTEN only costs latency: the engine still wakes at `nextDueAt`.
      const listening = sql
        .listen(channel, (from) => {
          if (from !== self) wake()
        })
        .catch(() => null)
      let stopped: Promise<void> | null = null
      const stop = () => {
        stopped ??= listening
          .then((listener) => listener?.unlisten())
          .then(
            () => {},
            () => {},
          )
        return stopped
      }
      stops.add(stop)
      return () => void stop()
    },

    /** Stops every `onWake` listener; the caller still owns (and ends) `sql`. */
    async close() {
      await writes.drain()
      await vacuum.drain()
      await Promise.all([...stops].map((stop) => stop()))
      stops.clear()
    },
  }
}

/** Due time, then message order (creation, then id), then job id. */
function inDueOrder(a: DeliveryJob, b: DeliveryJob): number {
  if (a.next_attempt_at !== b.next_attempt_at) return a.next_attempt_at - b.next_attempt_at
  if (a.created_at !== b.created_at) return a.created_at - b.created_at
  if (a.message_id !== b.message_id) return a.message_id < b.message_id ? -1 : 1
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0
}

/** The attempt cursor is the base-36 `seq` of the last attempt of the previous page. */
function decodeCursor(cursor: string): string | null {
  if (!/^[0-9a-z]{1,13}$/.test(cursor)) return '0'
  return BigInt(
    [...cursor].reduce((n, c) => n * 36n + BigInt(Number.parseInt(c, 36)), 0n),
  ).toString()
}
