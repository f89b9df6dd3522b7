import { EVENT_WILDCARD, isEventPattern } from '@rh/protocol'
import type { Row, Sql } from 'postgres'
import type { Page } from '../page'
import { decodeMessageCursor, encodeMessageCursor } from '../queue/message-cursor'
import type {
  DeliveryRecord,
  DeliveryStatus,
  MessageForSubscription,
  MessageLog,
  MessageRecord,
} from '../queue/message-log'
import type { QueueVacuum } from './queue-vacuum'
import { textArray } from './text-array'

/** What the message log shares with the rest of the queue. */
export interface MessageLogContext {
  sql: Sql
  /** The LISTEN/NOTIFY channel that wakes workers when deliveries are queued again. */
  channel: string
  vacuum: QueueVacuum
  /** Waits for the queue's grouped writes made so far (reads and replays see them). */
  drain(): Promise<void>
}

const STATUSES: readonly DeliveryStatus[] = ['pending', 'delivered', 'failed', 'gone', 'cancelled']

function toMessage(row: Row): MessageRecord {
  return {
    id: row.id,
    owner: row.owner,
    event: row.event,
    body: row.body,
    created_at: Number(row.created_at),
    idempotency_key: row.idempotency_key ?? null,
  }
}

function toDelivery(row: Row): DeliveryRecord {
  return {
    id: row.job_id,
    message_id: row.message_id,
    subscription_id: row.subscription_id,
    status: row.status,
    attempts: Number(row.attempt),
    updated_at: Number(row.updated_at),
  }
}

/**
 * A condition on `event` true for the events `entries` take (names, `prefix.*` patterns, `*`;
 * see `eventMatches`). A prefix is compared with `starts_with`, not `like`: `_` and `%` are
 * characters of event names.
 */
function takenBy(sql: Sql, entries: readonly string[]) {
  if (entries.includes(EVENT_WILDCARD)) return sql`true`
  const names = entries.filter((entry) => !isEventPattern(entry))
  const prefixes = entries.filter(isEventPattern).map((pattern) => pattern.slice(0, -1))
  if (prefixes.length === 0) return sql`event = any(${textArray(names)}::text[])`
  return sql`(event = any(${textArray(names)}::text[]) or exists (
    select 1 from unnest(${textArray(prefixes)}::text[]) p
    where starts_with(event, p) and length(event) > length(p)))`
}

/** The page of `rows` fetched with one row more than `limit`. */
function pageOf<T>(
  rows: readonly Row[],
  limit: number,
  item: (row: Row) => T,
  at: (row: Row) => [number, string],
) {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items: items.map(item),
    nextCursor: rows.length > limit && last ? encodeMessageCursor(...at(last)) : null,
  }
}

/**
 * The {@link MessageLog} of the PostgreSQL queue, over `rh_messages` and the job rows the queue
 * keeps after they end (their `status`). Every replay is ONE statement, so atomic, and wakes
 * workers in the same transaction; replayed deliveries are due at `now`, and the claim takes
 * due jobs in message order. Messages taken by a replay are share-locked, and the prune skips
 * locked messages, so neither removes what the other is queueing.
 *
 * @example
 * const log = postgresMessageLog({ sql, channel: 'rh_wake', vacuum, drain: writes.drain })
 * await log.replay('acme', 'sub_1', { since: 0, status: 'failed', events: [], now: Date.now() })
 */
export function postgresMessageLog(context: MessageLogContext): MessageLog {
  const { sql, channel, vacuum, drain } = context

  /** Runs a replaying statement (its CTE `queued` returns a row per delivery it queued). */
  const queue = async (statement: Promise<Row[]>) => {
    const [row] = await statement
    const queued = Number(row?.queued ?? 0)
    vacuum.count(queued)
    return queued
  }

  return {
    async listMessages(owner, query): Promise<Page<MessageRecord>> {
      await drain()
      const after = query.cursor === undefined ? undefined : decodeMessageCursor(query.cursor)
      if (after === null) return { items: [], nextCursor: null }
      const rows = await sql`
        select * from rh_messages
        where owner = ${owner}
          ${query.event === undefined ? sql`` : sql`and event = ${query.event}`}
          ${query.since === undefined ? sql`` : sql`and created_at >= ${query.since}`}
          ${query.until === undefined ? sql`` : sql`and created_at < ${query.until}`}
          ${after === undefined ? sql`` : sql`and (created_at, id) < (${after[0]}, ${after[1]})`}
        order by created_at desc, id desc
        limit ${query.limit + 1}`
      return pageOf(rows, query.limit, toMessage, (row) => [Number(row.created_at), row.id])
    },

    async getMessage(owner, id) {
      await drain()
      const [message] = await sql`select * from rh_messages where owner = ${owner} and id = ${id}`
      if (!message) return null
      const deliveries = await sql`
        select id as job_id, message_id, subscription_id, status, attempt, updated_at
        from rh_jobs where message_id = ${id} and owner = ${owner}
        order by subscription_id`
      return { ...toMessage(message), deliveries: deliveries.map(toDelivery) }
    },

    async listSubscriptionMessages(owner, subscriptionId, query) {
      await drain()
      const after = query.cursor === undefined ? undefined : decodeMessageCursor(query.cursor)
      if (after === null || (query.status && !STATUSES.includes(query.status))) {
        return { items: [], nextCursor: null }
      }
      // The status as a literal (one of five constants), so the dead letters' partial index
      // serves `failed` and `cancelled` also in a generic plan.
      const status = query.status ? sql`and j.status = ${sql.unsafe(`'${query.status}'`)}` : sql``
      const rows = await sql`
        select m.*, j.id as job_id, j.message_id, j.subscription_id, j.status, j.attempt,
          j.updated_at, j.created_at as job_created_at
        from rh_jobs j join rh_messages m on m.id = j.message_id
        where j.subscription_id = ${subscriptionId} and j.owner = ${owner} ${status}
          ${after === undefined ? sql`` : sql`and (j.created_at, j.message_id) < (${after[0]}, ${after[1]})`}
        order by j.created_at desc, j.message_id desc
        limit ${query.limit + 1}`
      return pageOf(
        rows,
        query.limit,
        (row): MessageForSubscription => ({ ...toMessage(row), delivery: toDelivery(row) }),
        (row) => [Number(row.job_created_at), row.message_id],
      )
    },

    async redeliver(owner, messageId, subscriptionIds, now) {
      if (subscriptionIds.length === 0) return 0
      await drain()
      return queue(sql`
        with message as (
          select id, body from rh_messages where id = ${messageId} and owner = ${owner}
          for key share
        ), queued as (
          update rh_jobs j set status = 'pending', attempt = 0, next_attempt_at = ${now},
            available_at = ${now}, updated_at = ${now}, body = message.body
          from message
          where j.message_id = message.id
            and j.subscription_id = any(${textArray(subscriptionIds)}::text[])
            and j.status <> 'pending'
          returning 1
        )
        select n as queued, case when n > 0 then pg_notify(${channel}, '') end as woke
        from (select count(*)::integer as n from queued) counted`)
    },

    async replay(owner, subscriptionId, query) {
      const { since, now, status } = query
      // The replayed deliveries join the subscription's line when it is ordered.
      const fifo = query.fifo === true
      const until = query.until ?? now
      await drain()
      if (status === 'failed') {
        return queue(sql`
          with queued as (
            -- The subscription's dead letters straight from their index (rh_jobs_dead: a job's
            -- created_at is its message's), each message's bytes by primary key. Planned
            -- without statistics (autovacuum off), a join with rh_messages became a nested loop
            -- over both ranges: 10,000 dead letters took 15 s, 100,000 never ended.
            update rh_jobs j set status = 'pending', attempt = 0, next_attempt_at = ${now},
              available_at = ${now}, updated_at = ${now}, fifo = ${fifo},
              body = (select m.body from rh_messages m where m.id = j.message_id)
            where j.subscription_id = ${subscriptionId} and j.owner = ${owner}
              and j.status in ('failed', 'cancelled')
              and j.created_at >= ${since} and j.created_at < ${until}
              and exists (select 1 from rh_messages m where m.id = j.message_id)
            returning 1
          )
          select n as queued, case when n > 0 then pg_notify(${channel}, '') end as woke
          from (select count(*)::integer as n from queued) counted`)
      }
      // Every message of the owner on the subscription's events: its delivery again if it has
      // one that ended, a new one (a new id in message order: `dlv_<message>_<subscription>`,
      // the same from any process, so two replays at once add it once) if it never had one.
      return queue(sql`
        with messages as (
          select id, event, body, created_at from rh_messages
          where owner = ${owner} and ${takenBy(sql, query.events)}
            and created_at >= ${since} and created_at < ${until}
          for key share
        ), ended as (
          -- Per message (lateral: by the message_id index), never a scan of the messages per job.
          select ended.id, messages.body from messages cross join lateral (
            select id from rh_jobs j
            where j.message_id = messages.id and j.subscription_id = ${subscriptionId}
              and j.status <> 'pending') ended
        ), again as (
          update rh_jobs j set status = 'pending', attempt = 0, next_attempt_at = ${now},
            available_at = ${now}, updated_at = ${now}, body = ended.body, fifo = ${fifo}
          from ended
          where j.id = ended.id and j.status <> 'pending'
          returning 1
        ), added as (
          insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
            next_attempt_at, created_at, available_at, updated_at, fifo)
          select 'dlv_' || substr(m.id, strpos(m.id, '_') + 1) || '_'
              || substr(${subscriptionId}, strpos(${subscriptionId}, '_') + 1),
            m.id, ${subscriptionId}, ${owner}, m.event, m.body, 0, ${now}, m.created_at, ${now},
            ${now}, ${fifo}
          from messages m
          where not exists (
            select 1 from rh_jobs j where j.message_id = m.id and j.subscription_id = ${subscriptionId})
          order by m.created_at, m.id
          on conflict (id) do nothing
          returning 1
        ), queued as (
          select 1 from again union all select 1 from added
        )
        select n as queued, case when n > 0 then pg_notify(${channel}, '') end as woke
        from (select count(*)::integer as n from queued) counted`)
    },

    async prune(before, limit) {
      if (limit <= 0) return 0
      await drain()
      // Oldest first, skipping messages a replay holds (and those another prune took): their
      // ended deliveries and attempts go with them; a pending delivery is never touched.
      const [row] = await sql`
        with doomed as (
          select id from rh_messages m
          where created_at < ${before}
            -- Unordered and fifo pending jobs apart: each has a partial index of its own.
            and not exists (select 1 from rh_jobs j
              where j.message_id = m.id and j.status = 'pending' and not j.fifo)
            and not exists (select 1 from rh_jobs j
              where j.message_id = m.id and j.status = 'pending' and j.fifo)
          order by created_at
          limit ${limit}
          for update skip locked
        ), jobs as (
          delete from rh_jobs
          where message_id = any(array(select id from doomed)) and status <> 'pending'
          returning 1
        ), attempts as (
          delete from rh_attempts where message_id = any(array(select id from doomed))
          returning 1
        ), messages as (
          delete from rh_messages where id = any(array(select id from doomed))
          returning 1
        )
        select (select count(*)::integer from messages) as messages,
          (select count(*)::integer from jobs) as jobs,
          (select count(*)::integer from attempts) as attempts`
      vacuum.count(Number(row?.jobs ?? 0), 'rh_jobs')
      vacuum.count(Number(row?.attempts ?? 0), 'rh_attempts')
      vacuum.count(Number(row?.messages ?? 0), 'rh_messages')
      return Number(row?.messages ?? 0)
    },
  }
}
