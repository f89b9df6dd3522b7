import { EVENT_WILDCARD, isEventPattern } from '@rh/protocol'
import { newId } from '../ids'
import type { Page } from '../page'
import { decodeMessageCursor, encodeMessageCursor } from '../queue/message-cursor'
import type {
  DeliveryRecord,
  DeliveryStatus,
  MessageForSubscription,
  MessageQuery,
  MessageRecord,
  MessageWithDeliveries,
  ReplayQuery,
} from '../queue/message-log'
import { repeat, type SqliteDriver, type SqliteRow, type SqliteValue } from './driver'

// A job row whose bytes are its message's keeps an empty body (the bytes are written once, not
// once per subscription); `withBodies` puts them back as jobs are claimed.
//
// The message log's statements on one SQLite connection (see `sqliteQueue`, which commits the
// waiting writes before each, and runs the writes in one transaction each). A delivery is a row
// of rh_jobs: kept with its final status once it ends, its body emptied (the message keeps it).

/** Rows per multi-row statement and ids per `IN (...)` list. */
const CHUNK = 32

const messageColumns = 'id, owner, event, body, created_at, idempotency_key'
const prefixedMessageColumns = messageColumns.replace(/(\w+)/g, 'm.$1')
const deliveryColumns =
  'j.id as delivery_id, j.message_id, j.subscription_id, j.status, j.attempt, j.updated_at'

function toMessage(row: SqliteRow): MessageRecord {
  return {
    id: String(row.id),
    owner: String(row.owner),
    event: String(row.event),
    body: String(row.body),
    created_at: Number(row.created_at),
    idempotency_key:
      row.idempotency_key === null || row.idempotency_key === undefined
        ? null
        : String(row.idempotency_key),
  }
}

function toDelivery(row: SqliteRow): DeliveryRecord {
  return {
    id: String(row.delivery_id),
    message_id: String(row.message_id),
    subscription_id: String(row.subscription_id),
    status: String(row.status) as DeliveryStatus,
    attempts: Number(row.attempt),
    updated_at: Number(row.updated_at),
  }
}

/** `rows` (one more than `limit` asked for) as a page, the cursor built from its last item. */
function toPage<T>(rows: T[], limit: number, key: (item: T) => [number, string]): Page<T> {
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return {
    items,
    nextCursor:
      rows.length > limit && last !== undefined ? encodeMessageCursor(...key(last)) : null,
  }
}

const empty = { items: [], nextCursor: null }

/**
 * The owner's messages, newest first (by `created_at`, then id), from the (owner, created_at)
 * or (owner, event, created_at) index.
 *
 * @example
 * listMessages(db, 'alice', { event: 'post.created', limit: 50 })
 */
export function listMessages(
  db: SqliteDriver,
  owner: string,
  query: MessageQuery,
): Page<MessageRecord> {
  const params: SqliteValue[] = [owner]
  let sql = `select ${messageColumns} from rh_messages where owner = ?`
  if (query.event !== undefined) {
    sql += ' and event = ?'
    params.push(query.event)
  }
  if (query.since !== undefined) {
    sql += ' and created_at >= ?'
    params.push(query.since)
  }
  if (query.until !== undefined) {
    sql += ' and created_at < ?'
    params.push(query.until)
  }
  if (query.cursor !== undefined) {
    const after = decodeMessageCursor(query.cursor)
    if (after === null) return empty
    sql += ' and (created_at, id) < (?, ?)'
    params.push(...after)
  }
  sql += ' order by created_at desc, id desc limit ?'
  params.push(query.limit + 1)
  const rows = db.all(sql, params).map(toMessage)
  return toPage(rows, query.limit, (m) => [m.created_at, m.id])
}

/**
 * One of the owner's messages with its deliveries (in subscription id order), or `null`.
 *
 * @example
 * getMessage(db, 'alice', 'msg_01JB8X6T3QH6W2Y9V4KZP7M5RC')
 */
export function getMessage(
  db: SqliteDriver,
  owner: string,
  id: string,
): MessageWithDeliveries | null {
  const [row] = db.all(`select ${messageColumns} from rh_messages where owner = ? and id = ?`, [
    owner,
    id,
  ])
  if (row === undefined) return null
  const deliveries = db
    .all(
      `select ${deliveryColumns} from rh_jobs j where j.message_id = ? and j.owner = ?
       order by j.subscription_id, j.id`,
      [id, owner],
    )
    .map(toDelivery)
  return { ...toMessage(row), deliveries }
}

/**
 * The messages one subscription of the owner was sent, newest first, optionally only those whose
 * delivery has `status`: from the (subscription, created_at) or (subscription, status,
 * created_at) index of rh_jobs. A job's `created_at` is its message's.
 *
 * @example
 * listSubscriptionMessages(db, 'alice', 'sub_1', { status: 'failed', limit: 50 })
 */
export function listSubscriptionMessages(
  db: SqliteDriver,
  owner: string,
  subscriptionId: string,
  query: { status?: DeliveryStatus | undefined; cursor?: string | undefined; limit: number },
): Page<MessageForSubscription> {
  const params: SqliteValue[] = [subscriptionId, owner]
  let sql = `select ${prefixedMessageColumns}, ${deliveryColumns}, j.created_at as job_created_at
    from rh_jobs j join rh_messages m on m.id = j.message_id
    where j.subscription_id = ? and j.owner = ?`
  if (query.status !== undefined) {
    sql += ' and j.status = ?'
    params.push(query.status)
  }
  if (query.cursor !== undefined) {
    const after = decodeMessageCursor(query.cursor)
    if (after === null) return empty
    sql += ' and (j.created_at, j.message_id) < (?, ?)'
    params.push(...after)
  }
  sql += ' order by j.created_at desc, j.message_id desc limit ?'
  params.push(query.limit + 1)
  const page = toPage(db.all(sql, params), query.limit, (row) => [
    Number(row.job_created_at),
    String(row.message_id),
  ])
  return {
    items: page.items.map((row) => ({ ...toMessage(row), delivery: toDelivery(row) })),
    nextCursor: page.nextCursor,
  }
}

/**
 * What a delivery sent again becomes: pending, no attempts, due at `now`; its body is its
 * message's (an empty job body: see {@link withBodies}).
 */
const again = `status = 'pending', attempt = 0, next_attempt_at = ?, available_at = ?,
  updated_at = ?, body = ''`

/**
 * Makes the owner's deliveries of one message to `subscriptionIds` pending again, due at `now`
 * (inside the caller's transaction); one still pending is left as it is. How many were queued.
 *
 * @example
 * transaction(db, () => redeliver(db, 'alice', 'msg_1', ['sub_1'], now))
 */
export function redeliver(
  db: SqliteDriver,
  owner: string,
  messageId: string,
  subscriptionIds: readonly string[],
  now: number,
): number {
  let queued = 0
  for (let start = 0; start < subscriptionIds.length; start += CHUNK) {
    const ids = subscriptionIds.slice(start, start + CHUNK)
    queued += db.run(
      `update rh_jobs set ${again}
       where message_id = ? and owner = ? and status <> 'pending'
       and subscription_id in (${repeat('?', ids.length)})
       and exists (select 1 from rh_messages m where m.id = rh_jobs.message_id and m.owner = ?)`,
      [now, now, now, messageId, owner, ...ids, owner],
    ).changes
  }
  return queued
}

/**
 * Queues the owner's matching messages again for one subscription, due at `now` (inside the
 * caller's transaction, so all or none are queued). `failed`: its deliveries that ended `failed`
 * or `cancelled` become pending again. `all`: also those that ended otherwise, for messages of
 * its events, and a new delivery (a new id, in message order) of each such message it never got.
 * The claim takes deliveries due at the same time in message order (`created_at`, then id).
 * How many were queued.
 *
 * @example
 * transaction(db, () => replay(db, 'alice', 'sub_1', { since: 0, status: 'failed', events: [], now }))
 */
export function replay(
  db: SqliteDriver,
  owner: string,
  subscriptionId: string,
  query: ReplayQuery,
): number {
  const { now, since } = query
  const until = query.until ?? now
  const window = [subscriptionId, owner, since, until]
  // The replayed deliveries join the subscription's line when it is ordered.
  const fifo = query.fifo === true ? 1 : 0
  if (query.status === 'failed') {
    return db.run(
      `update rh_jobs set ${again}, fifo = ?
       where subscription_id = ? and owner = ? and created_at >= ? and created_at < ?
       and status in ('failed', 'cancelled')
       and exists (select 1 from rh_messages m where m.id = rh_jobs.message_id and m.owner = ?)`,
      [now, now, now, fifo, ...window, owner],
    ).changes
  }
  const events = [...new Set(query.events)]
  let queued = 0
  for (let start = 0; start < events.length; start += CHUNK) {
    const taken = takenBy('m.event', events.slice(start, start + CHUNK))
    queued += db.run(
      `update rh_jobs set ${again}, fifo = ?
       where subscription_id = ? and owner = ? and created_at >= ? and created_at < ?
       and status <> 'pending'
       and exists (select 1 from rh_messages m
         where m.id = rh_jobs.message_id and m.owner = ? and ${taken.sql})`,
      [now, now, now, fifo, ...window, owner, ...taken.params],
    ).changes
  }
  const missed =
    events.length === 0 ? [] : neverSent(db, owner, subscriptionId, events, since, until)
  for (let start = 0; start < missed.length; start += CHUNK) {
    const rows = missed.slice(start, start + CHUNK)
    const params: SqliteValue[] = []
    for (const m of rows) {
      params.push(
        newId('dlv', now),
        m.id,
        subscriptionId,
        owner,
        m.event,
        '',
        0,
        now,
        m.created_at,
        now,
        now,
        fifo,
      )
    }
    db.run(
      `insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
       next_attempt_at, created_at, available_at, updated_at, fifo)
       values ${repeat('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows.length)}`,
      params,
    )
  }
  return queued + missed.length
}

/**
 * A condition on `column` true for the events `entries` take (names, `prefix.*` patterns, `*`;
 * see `eventMatches`), and its parameters. A pattern compares the prefix with `substr`, not
 * `like`: `_` and `%` are characters of event names, and `like` folds case.
 */
function takenBy(
  column: string,
  entries: readonly string[],
): { sql: string; params: SqliteValue[] } {
  if (entries.includes(EVENT_WILDCARD)) return { sql: '1 = 1', params: [] }
  const names = entries.filter((entry) => !isEventPattern(entry))
  const prefixes = entries.filter(isEventPattern).map((pattern) => pattern.slice(0, -1))
  const terms: string[] = []
  const params: SqliteValue[] = []
  if (names.length > 0) {
    terms.push(`${column} in (${repeat('?', names.length)})`)
    params.push(...names)
  }
  for (const prefix of prefixes) {
    terms.push(`(substr(${column}, 1, ?) = ? and length(${column}) > ?)`)
    params.push(prefix.length, prefix, prefix.length)
  }
  return { sql: terms.length === 0 ? '1 = 0' : `(${terms.join(' or ')})`, params }
}

/**
 * The owner's messages of `events` created in [since, until) the subscription has no delivery
 * of, in message order, without their bytes (a job row keeps none: see {@link withBodies}).
 */
function neverSent(
  db: SqliteDriver,
  owner: string,
  subscriptionId: string,
  events: readonly string[],
  since: number,
  until: number,
): MessageRecord[] {
  // By id: a message a name and a pattern in different chunks both take is sent once.
  const missed = new Map<string, MessageRecord>()
  for (let start = 0; start < events.length; start += CHUNK) {
    const taken = takenBy('m.event', events.slice(start, start + CHUNK))
    const rows = db.all(
      `select m.id, m.owner, m.event, '' as body, m.created_at, m.idempotency_key
       from rh_messages m where m.owner = ? and ${taken.sql}
       and m.created_at >= ? and m.created_at < ?
       and not exists (select 1 from rh_jobs j
         where j.message_id = m.id and j.subscription_id = ?)`,
      [owner, ...taken.params, since, until, subscriptionId],
    )
    for (const row of rows) missed.set(String(row.id), toMessage(row))
  }
  return [...missed.values()].sort((a, b) => a.created_at - b.created_at || (a.id < b.id ? -1 : 1))
}

/**
 * Removes up to `limit` messages created before `before` with no pending delivery, oldest
 * first, with their deliveries and attempts (inside the caller's transaction). How many went.
 *
 * @example
 * transaction(db, () => prune(db, Date.now() - 30 * 86_400_000, 1000))
 */
export function prune(db: SqliteDriver, before: number, limit: number): number {
  if (limit <= 0) return 0
  const ids = db
    .all(
      `select m.id from rh_messages m where m.created_at < ?
       and not exists (select 1 from rh_jobs j where j.message_id = m.id and j.status = 'pending')
       order by m.created_at, m.id limit ?`,
      [before, limit],
    )
    .map((row) => String(row.id))
  for (let start = 0; start < ids.length; start += CHUNK) {
    const some = ids.slice(start, start + CHUNK)
    const list = repeat('?', some.length)
    db.run(`delete from rh_attempts where message_id in (${list})`, some)
    db.run(`delete from rh_jobs where message_id in (${list})`, some)
    db.run(`delete from rh_messages where id in (${list})`, some)
  }
  return ids.length
}

/**
 * `jobs` (just claimed) with their bytes: a job row that keeps an empty body sends its
 * message's. One read per {@link CHUNK} such messages, not one per job.
 *
 * @example
 * const jobs = withBodies(db, db.all(claimSql, params).map(toJob))
 */
export function withBodies<T extends { message_id: string; body: string }>(
  db: SqliteDriver,
  jobs: T[],
): T[] {
  const missing = [...new Set(jobs.filter((job) => job.body === '').map((job) => job.message_id))]
  if (missing.length === 0) return jobs
  const bodies = new Map<string, string>()
  for (let start = 0; start < missing.length; start += CHUNK) {
    const some = missing.slice(start, start + CHUNK)
    const rows = db.all(
      `select id, body from rh_messages where id in (${repeat('?', some.length)})`,
      some,
    )
    for (const row of rows) bodies.set(String(row.id), String(row.body))
  }
  for (const job of jobs) if (job.body === '') job.body = bodies.get(job.message_id) ?? ''
  return jobs
}
