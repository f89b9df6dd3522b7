import type { Row, Sql } from 'postgres'
import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import { createQueueWriter } from '../queue/queue-write'
import type { PostgresOptions } from './postgres'
import { createQueueVacuum, DEFAULT_VACUUM_EVERY } from './queue-vacuum'
import { applyQueueWrites } from './queue-writes'

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
  }
}

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
    duration_ms: Number(row.duration_ms),
    started_at: new Date(row.started_at).toISOString(),
    next_attempt_at: isoOrNull(row.next_attempt_at),
  }
}

/**
 * A {@link DeliveryQueue} on PostgreSQL (the `postgres` driver), shared by any number of server
 * processes. Run {@link migrate} first. Each job has one `available_at` column: its
 * `next_attempt_at`, or its lease expiry while claimed. Workers claim with
 * `FOR UPDATE SKIP LOCKED`, so they never wait on each other nor share a lease; `enqueue`
 * notifies the channel in the same transaction, and `onWake` listens to it, so idle workers
 * wake on new work instead of polling.
 *
 * @example
 * await migrate(sql)
 * const queue = postgresQueue(sql, { channel: 'rh_wake' })
 */
export function postgresQueue(sql: Sql, options: PostgresOptions = {}): DeliveryQueue {
  const channel = options.channel ?? 'rh_wake'
  const stops = new Set<() => Promise<void>>()
  const writes = createQueueWriter((group) => applyQueueWrites(sql, channel, group))
  const vacuum = createQueueVacuum(sql, options.vacuumEvery ?? DEFAULT_VACUUM_EVERY)
  return {
    async enqueue(jobs) {
      if (jobs.length > 0) await writes.write({ kind: 'enqueue', jobs })
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) return []
      // `id = any(array(...))`: the locked ids are found by the primary key (a join with the
      // subquery was planned as a hash join over a sequential scan of the whole table).
      const rows = await sql`
        update rh_jobs set available_at = ${now + leaseMs}
        where id = any(array(
          select id from rh_jobs where available_at <= ${now}
          order by available_at, id limit ${limit}
          for update skip locked))
        returning *`
      vacuum.count(rows.length)
      return rows
        .map(toJob)
        .sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1))
    },

    complete(id) {
      vacuum.count(1)
      return writes.write({ kind: 'complete', id })
    },

    reschedule(id, attempt, nextAttemptAt) {
      vacuum.count(1)
      return writes.write({ kind: 'reschedule', id, attempt, at: nextAttemptAt })
    },

    async nextDueAt() {
      await writes.drain()
      const [row] = await sql`select min(available_at) as due from rh_jobs`
      return row?.due === null || row?.due === undefined ? null : Number(row.due)
    },

    async size() {
      await writes.drain()
      const [row] = await sql`select count(*)::integer as n from rh_jobs`
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
      const listening = sql.listen(channel, () => wake()).catch(() => null)
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

/** The attempt cursor is the base-36 `seq` of the last attempt of the previous page. */
function decodeCursor(cursor: string): string | null {
  if (!/^[0-9a-z]{1,13}$/.test(cursor)) return '0'
  return BigInt(
    [...cursor].reduce((n, c) => n * 36n + BigInt(Number.parseInt(c, 36)), 0n),
  ).toString()
}
