import { isoTime } from '../iso-time'
import type { Page } from '../page'
import type {
  ListQuery,
  StoredSubscription,
  SubscriptionPatch,
  SubscriptionStore,
} from '../store/subscription-store'
import { type SqliteDriver, type SqliteRow, type SqliteValue, transaction } from './driver'
import { type SubscriptionReads, subscriptionReads } from './subscription-reads'

const columns =
  'id, owner, target_url, events, status, metadata, secret, consecutive_failures, created_at, updated_at'

/** The columns qualified with the `s` alias, for joins. */
const prefixedColumns = columns.replace(/(\w+)/g, 's.$1')

const getSql = `select ${columns} from rh_subscriptions where owner = ? and id = ?`
const matchSql = `select ${prefixedColumns} from rh_subscription_events e
  join rh_subscriptions s on s.id = e.subscription_id
  where e.owner = ? and e.event = ? and s.status = 'active' order by s.id`

function toSubscription(row: SqliteRow): StoredSubscription {
  return {
    id: String(row.id),
    owner: String(row.owner),
    target_url: String(row.target_url),
    events: JSON.parse(String(row.events)) as string[],
    status: String(row.status) as StoredSubscription['status'],
    metadata: JSON.parse(String(row.metadata)) as Record<string, string>,
    secret: row.secret === null || row.secret === undefined ? null : String(row.secret),
    consecutive_failures: Number(row.consecutive_failures),
    created_at: String(row.created_at),
    updated_at: String(row.updated_at),
  }
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
 *
 * @example
 * const store = sqliteStore(connectSqlite({ path: './rh.db' }))
 */
export function sqliteStore(connection: Promise<SqliteDriver>): SubscriptionStore {
  let reads: SubscriptionReads | undefined

  /** The subscription, from memory while none changed (see {@link subscriptionReads}). */
  function cachedGet(db: SqliteDriver, owner: string, id: string) {
    reads ??= subscriptionReads(db)
    return reads.get(owner, id, () => readSubscription(db, owner, id))
  }

  return {
    async create(subscription) {
      const db = await connection
      const s = subscription
      transaction(db, () => {
        db.run(`insert into rh_subscriptions (${columns}) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, [
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
        ])
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
        sql += ' join rh_subscription_events e on e.subscription_id = s.id and e.owner = s.owner'
        sql += ' where s.owner = ? and e.event = ?'
        params.push(query.event)
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
      return transaction(db, () => {
        const [row] = db.all(`select ${columns} from rh_subscriptions where owner = ? and id = ?`, [
          owner,
          id,
        ])
        if (!row) return null
        const next: StoredSubscription = { ...toSubscription(row), ...definedOnly(patch) }
        db.run(
          `update rh_subscriptions set target_url = ?, events = ?, status = ?, metadata = ?,
           consecutive_failures = ?, updated_at = ? where id = ?`,
          [
            next.target_url,
            JSON.stringify(next.events),
            next.status,
            JSON.stringify(next.metadata),
            next.consecutive_failures,
            next.updated_at,
            id,
          ],
        )
        if (patch.events !== undefined) {
          db.run('delete from rh_subscription_events where subscription_id = ?', [id])
          insertEvents(db, owner, id, next.events)
        }
        return next
      })
    },

    async delete(owner, id) {
      const db = await connection
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
      return reads.match(owner, event, () => db.all(matchSql, [owner, event]).map(toSubscription))
    },
  }
}

/** The patch without keys whose value is `undefined` (so they do not overwrite). */
function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>
}
