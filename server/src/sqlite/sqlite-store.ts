import { eventKeys } from '@rh/protocol'
import { isoTime } from '../iso-time'
import type { Page } from '../page'
import type {
  ListQuery,
  StoredSubscription,
  SubscriptionPatch,
  SubscriptionStore,
} from '../store/subscription-store'
import type { ConnectionLock } from './connection-lock'
import { type SqliteDriver, type SqliteRow, type SqliteValue, transaction } from './driver'
import { type SubscriptionReads, subscriptionReads } from './subscription-reads'

const columns =
  'id, owner, target_url, events, status, metadata, secret, consecutive_failures, created_at, updated_at, previous_secret, previous_secret_expires_at, filter, ordering'

/** A subscription as the values of {@link columns}, in their order. */
function rowOf(s: StoredSubscription): SqliteValue[] {
  return [
    s.id,
    s.owner,
    s.target_url,
    JSON.stringify(s.events),
    s.status,
    JSON.stringify(s.metadata),
    s.secret,
    s.consecutive_failures,
    s.created_at,
    s.updated_at,
    s.previous_secret ?? null,
    s.previous_secret_expires_at ?? null,
    s.filter == null ? null : JSON.stringify(s.filter),
    s.ordering === 'fifo' ? 'fifo' : null,
  ]
}

/** One `?` per column of {@link columns}. */
const placeholders = columns.replace(/\w+/g, '?')

/** The columns qualified with the `s` alias, for joins. */
const prefixedColumns = columns.replace(/(\w+)/g, 's.$1')

const getSql = `select ${columns} from rh_subscriptions where owner = ? and id = ?`
/**
 * The subscriptions listening to an event with `keys` names or patterns that take it
 * (`eventKeys`): each an index lookup on (owner, event); `in` takes a subscription naming
 * several of them.
 */
const matchSql = (keys: number) => `select ${prefixedColumns} from rh_subscriptions s
  where s.id in (select e.subscription_id from rh_subscription_events e
    where e.owner = ? and e.event in (${new Array(keys).fill('?').join(', ')}))
  and s.status = 'active' order by s.id`

const nullableString = (value: SqliteValue | undefined) =>
  value === null || value === undefined ? null : String(value)

/**
 * `subscription` without a previous secret that is not set: a store answers the keys only while
 * a rotation's grace period is recorded (absent, not `null`, otherwise).
 */
function withRotation(subscription: StoredSubscription): StoredSubscription {
  const { previous_secret, previous_secret_expires_at, ...rest } = subscription
  const rotation: Partial<StoredSubscription> = {}
  if (previous_secret != null) rotation.previous_secret = previous_secret
  if (previous_secret_expires_at != null)
    rotation.previous_secret_expires_at = previous_secret_expires_at
  return { ...rest, ...rotation }
}

function toSubscription(row: SqliteRow): StoredSubscription {
  const subscription = withRotation({
    id: String(row.id),
    owner: String(row.owner),
    target_url: String(row.target_url),
    events: JSON.parse(String(row.events)) as string[],
    status: String(row.status) as StoredSubscription['status'],
    metadata: JSON.parse(String(row.metadata)) as Record<string, string>,
    secret: nullableString(row.secret),
    consecutive_failures: Number(row.consecutive_failures),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
    previous_secret: nullableString(row.previous_secret),
    previous_secret_expires_at: nullableString(row.previous_secret_expires_at),
  })
  if (row.filter != null) subscription.filter = JSON.parse(String(row.filter))
  if (row.ordering === 'fifo') subscription.ordering = 'fifo'
  return subscription
}

function readSubscription(db: SqliteDriver, owner: string, id: string) {
  const [row] = db.all(getSql, [owner, id])
  return row ? toSubscription(row) : null
}

function insertEvents(db: SqliteDriver, owner: string, id: string, events: readonly string[]) {
  for (const event of new Set(events)) {
    db.run('insert into rh_subscription_events (owner, event, subscription_id) values (?, ?, ?)', [
      owner,
      event,
      id,
    ])
  }
}

/**
 * A {@link SubscriptionStore} on one SQLite connection. Events live in a join table keyed by
 * (owner, event), so `match` is an index lookup. Pages are newest first; the cursor is the last id.
 * `get` and `match`, which every `notify` and delivery repeat, are answered from memory while no
 * subscription changed (see {@link subscriptionReads}).
 * Given the storage's `lock`, writes wait while an application transaction holds the connection
 * (`sqlite(…).transaction`) rather than commit or roll back with it; reads do not wait, so a
 * `notify` inside such a transaction matches its subscriptions.
 *
 * @example
 * const store = sqliteStore(connectSqlite({ path: './rh.db' }))
 */
export function sqliteStore(
  connection: Promise<SqliteDriver>,
  lock?: ConnectionLock,
): SubscriptionStore {
  let reads: SubscriptionReads | undefined

  /** The subscription, from memory while none changed (see {@link subscriptionReads}). */
  function cachedGet(db: SqliteDriver, owner: string, id: string) {
    reads ??= subscriptionReads(db)
    return reads.get(owner, id, () => readSubscription(db, owner, id))
  }

  return {
    async create(subscription) {
      const db = await connection
      // Not inside an application transaction (see \`sqlite(…).transaction\`): this write would
      // commit or roll back with it. Checked after the await, so no transaction began since.
      while (lock?.held) await lock.released()
      const s = subscription
      transaction(db, () => {
        db.run(`insert into rh_subscriptions (${columns}) values (${placeholders})`, rowOf(s))
        insertEvents(db, s.owner, s.id, s.events)
      })
    },

    async get(owner, id) {
      return cachedGet(await connection, owner, id)
    },

    async list(owner: string, query: ListQuery): Promise<Page<StoredSubscription>> {
      const db = await connection
      const params: SqliteValue[] = [owner]
      let sql = `select ${prefixedColumns} from rh_subscriptions s`
      if (query.event !== undefined) {
        const keys = eventKeys(query.event)
        sql += ` where s.owner = ? and s.id in (select subscription_id from rh_subscription_events
          where owner = ? and event in (${keys.map(() => '?').join(', ')}))`
        params.push(owner, ...keys)
      } else {
        sql += ' where s.owner = ?'
      }
      if (query.cursor !== undefined) {
        sql += ' and s.id < ?'
        params.push(query.cursor)
      }
      sql += ' order by s.id desc limit ?'
      params.push(query.limit + 1)
      const rows = db.all(sql, params).map(toSubscription)
      const items = rows.slice(0, query.limit)
      const last = items.at(-1)
      return { items, nextCursor: rows.length > query.limit && last ? last.id : null }
    },

    async update(owner: string, id: string, patch: SubscriptionPatch) {
      const db = await connection
      // Not inside an application transaction (see \`sqlite(…).transaction\`): this write would
      // commit or roll back with it. Checked after the await, so no transaction began since.
      while (lock?.held) await lock.released()
      return transaction(db, () => {
        const [row] = db.all(`select ${columns} from rh_subscriptions where owner = ? and id = ?`, [
          owner,
          id,
        ])
        if (!row) return null
        const next = withRotation({ ...toSubscription(row), ...definedOnly(patch) })
        if (next.ordering !== 'fifo') delete next.ordering
        // Every column from the merged subscription (id and owner stay what they were).
        db.run(`update rh_subscriptions set (${columns}) = (${placeholders}) where id = ?`, [
          ...rowOf(next),
          id,
        ])
        if (patch.events !== undefined) {
          db.run('delete from rh_subscription_events where subscription_id = ?', [id])
          insertEvents(db, owner, id, next.events)
        }
        return next
      })
    },

    async delete(owner, id) {
      const db = await connection
      // Not inside an application transaction (see \`sqlite(…).transaction\`): this write would
      // commit or roll back with it. Checked after the await, so no transaction began since.
      while (lock?.held) await lock.released()
      return transaction(db, () => {
        db.run('delete from rh_subscription_events where owner = ? and subscription_id = ?', [
          owner,
          id,
        ])
        return (
          db.run('delete from rh_subscriptions where owner = ? and id = ?', [owner, id]).changes > 0
        )
      })
    },

    async recordOutcome(owner, id, { delivered, disableAfter, at }) {
      const db = await connection
      // Not inside an application transaction (see \`sqlite(…).transaction\`): this write would
      // commit or roll back with it. Checked after the await, so no transaction began since.
      while (lock?.held) await lock.released()
      if (delivered) {
        // A count already at 0, the usual case, is seen in memory (as current as a read: see
        // subscriptionReads) and needs no write transaction.
        const current = cachedGet(db, owner, id)
        if (!current?.consecutive_failures) return false
        // Writes (and wakes the change triggers) only when there is a count to reset.
        db.run(
          `update rh_subscriptions set consecutive_failures = 0, updated_at = ?
           where owner = ? and id = ? and consecutive_failures <> 0`,
          [isoTime(at), owner, id],
        )
        return false
      }
      return transaction(db, () => {
        const [row] = db.all(
          'select status, consecutive_failures from rh_subscriptions where owner = ? and id = ?',
          [owner, id],
        )
        if (!row) return false
        const failures = Number(row.consecutive_failures) + 1
        const disable = failures >= disableAfter && row.status === 'active'
        db.run(
          `update rh_subscriptions set consecutive_failures = ?, status = ?, updated_at = ?
           where owner = ? and id = ?`,
          [failures, disable ? 'disabled' : String(row.status), isoTime(at), owner, id],
        )
        return disable
      })
    },

    async match(owner, event) {
      const db = await connection
      reads ??= subscriptionReads(db)
      return reads.match(owner, event, () => {
        const keys = eventKeys(event)
        return db.all(matchSql(keys.length), [owner, ...keys]).map(toSubscription)
      })
    },
  }
}

/** The patch without keys whose value is `undefined` (so they do not overwrite). */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>
}
