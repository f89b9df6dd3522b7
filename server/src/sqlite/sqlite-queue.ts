import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import { createQueueWriter, type PendingWrite, type QueueWrite } from '../queue/queue-write'
import { type SqliteDriver, type SqliteRow, transaction } from './driver'
import { applyQueueWrites } from './queue-writes'
import { openWalSync, type WalSync } from './wal-sync'

const jobColumns =
  'id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at, created_at'
const attemptColumns =
  'seq, id, subscription_id, owner, message_id, event, attempt, outcome, response_status, error, duration_ms, started_at, next_attempt_at'

/** Whether any job is due: a claim that would find none need not start a write transaction. */
const dueSql = 'select 1 from rh_jobs where available_at <= ? limit 1'
const claimSql = `update rh_jobs set available_at = ? where id in (
  select id from rh_jobs where available_at <= ? order by available_at, id limit ?
) returning ${jobColumns}`

function toJob(row: SqliteRow): DeliveryJob {
  return {
    id: String(row.id),
    message_id: String(row.message_id),
    subscription_id: String(row.subscription_id),
    owner: String(row.owner),
    event: String(row.event),
    body: String(row.body),
    attempt: Number(row.attempt),
    next_attempt_at: Number(row.next_attempt_at),
    created_at: Number(row.created_at),
  }
}

const nullableString = (value: unknown) =>
  value === null || value === undefined ? null : String(value)

function toAttempt(row: SqliteRow): AttemptRecord {
  return {
    id: String(row.id),
    subscription_id: String(row.subscription_id),
    owner: String(row.owner),
    message_id: String(row.message_id),
    event: String(row.event),
    attempt: Number(row.attempt),
    outcome: String(row.outcome) as AttemptRecord['outcome'],
    response_status: row.response_status === null ? null : Number(row.response_status),
    error: nullableString(row.error),
    duration_ms: Number(row.duration_ms),
    started_at: String(row.started_at),
    next_attempt_at: nullableString(row.next_attempt_at),
  }
}

/** Whether `pending` must reach the disk before it resolves (an enqueue); else the WAL will do. */
const durable = (pending: PendingWrite) => pending.write.kind === 'enqueue'

/** Runs `fn` after the current I/O callbacks (so their writes join one commit). */
const soon: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function'
    ? (fn) => void globalThis.setImmediate(fn)
    : (fn) => void setTimeout(fn, 0)

/** Options of {@link sqliteQueue}. */
export interface SqliteQueueOptions {
  /**
   * Opens what syncs the WAL after an enqueue's commit (default {@link openWalSync}); `null`
   * makes each such commit sync inside SQLite instead. For tests.
   */
  walSync?: (db: SqliteDriver) => Promise<WalSync | null>
}

/**
 * A {@link DeliveryQueue} on one SQLite connection. Each job has one `available_at` column, the
 * time it may next be claimed: its `next_attempt_at`, or its lease expiry while claimed. Claiming
 * is one `UPDATE ... RETURNING` on the `available_at` index, so two workers never share a lease.
 *
 * Group commit ({@link createQueueWriter}): `enqueue`, `complete`, `reschedule`,
 * `cancelSubscription` and `recordAttempt` calls made while the event loop handles one round of
 * I/O are written in ONE transaction (one sync to disk instead of one per call), and each call
 * resolves only once that transaction committed. If the group fails,
 * each write is retried on its own, so only the faulty one rejects. Every read first commits what
 * is waiting, so reads see every write. A claim commits together with the waiting writes.
 *
 * What is synced: everything committed survives a process crash (it is in the WAL). With
 * `synchronous: 'full'`, an `enqueue` resolves only once its commit is synced to disk, so an
 * accepted notification survives a power loss. The sync runs off the event loop: the commit is
 * made without one, then {@link openWalSync} syncs the WAL file on the thread pool, one sync for
 * every commit made while the previous one ran (SQLite syncs inside the commit instead where
 * that is not possible: no WAL file). Should that sync fail, the enqueue rejects: its jobs are
 * committed and may still be delivered, but their durability is unknown. A commit of bookkeeping
 * only (leases, attempt log, completions, reschedules, cancels) is not synced on its own: a power loss can undo the last of it,
 * which repeats a delivery (at-least-once allows it) but never drops one, and the next sync makes
 * it durable too, because the WAL is replayed in order.
 *
 * @example
 * const queue = sqliteQueue(connectSqlite({ path: './rh.db' }))
 */
export function sqliteQueue(
  connection: Promise<SqliteDriver>,
  options: SqliteQueueOptions = {},
): DeliveryQueue {
  // Writes join only once the connection is open (see `write`), and a group is written without
  // an await in between, so a read that takes the waiting writes never overtakes a group.
  const writes = createQueueWriter(
    async (group) => {
      if (!opened) throw new Error('sqlite queue: a write before the connection opened')
      commitGroup(opened, group)
    },
    { schedule: soon },
  )

  /**
   * Commits `group` in one transaction (alike writes in one statement: see
   * {@link applyQueueWrites}), and `also` (a claim) in the same one: one sync for all of them.
   */
  function commitGroup<T>(db: SqliteDriver, group: PendingWrite[], also?: () => T): T | undefined {
    if (group.length === 0) return also && unsynced(db, also)
    let result: T | undefined
    const commit = () =>
      transaction(db, () => {
        applyQueueWrites(
          db,
          group.map((pending) => pending.write),
        )
        result = also?.()
      })
    try {
      if (!wal && group.some(durable)) commit()
      else unsynced(db, commit)
    } catch {
      for (const pending of group) {
        try {
          const alone = () => transaction(db, () => applyQueueWrites(db, [pending.write]))
          if (durable(pending) && !wal) alone()
          else unsynced(db, alone)
        } catch (error) {
          pending.reject(error)
          continue
        }
        settle(pending)
      }
      return also && unsynced(db, also)
    }
    for (const pending of group) settle(pending)
    return result
  }

  /** Resolves a committed write: at once, or an enqueue once the WAL sync after it is done. */
  function settle(pending: PendingWrite) {
    if (durable(pending) && wal) wal.sync().then(pending.resolve, pending.reject)
    else pending.resolve()
  }

  /**
   * Runs `fn` with `synchronous = normal`: its commit reaches the WAL (it survives a process
   * crash) without its own sync to disk. For bookkeeping, whose loss to a power loss costs a
   * repeated delivery, never an accepted one (the next synced commit makes it durable too: the
   * WAL is replayed in order); and for enqueues when {@link WalSync} syncs the WAL after the
   * commit, off the event loop, before they resolve.
   */
  function unsynced<T>(db: SqliteDriver, fn: () => T): T {
    if (syncLevel <= 1) return fn()
    db.exec('pragma synchronous = normal')
    try {
      return fn()
    } finally {
      db.exec(`pragma synchronous = ${syncLevel}`)
    }
  }

  let opened: SqliteDriver | undefined
  /** The connection's `synchronous` level (2 = full). */
  let syncLevel = 2
  /** Syncs the WAL after an enqueue's commit; `null`: the commit syncs itself. */
  let wal: WalSync | null = null
  /** The connection, once its level is known and its WAL sync is open. */
  const ready = connection.then(async (db) => {
    syncLevel = Number(db.all('pragma synchronous', [])[0]?.synchronous ?? 2)
    if (syncLevel >= 2) wal = await (options.walSync ?? openWalSync)(db).catch(() => null)
    opened = db
    return db
  })
  // A failed open surfaces on the first call.
  ready.catch(() => {})

  async function write(write: QueueWrite): Promise<void> {
    // Once open, the write joins the group at once (no await before it is queued).
    if (!opened) await ready
    return writes.write(write)
  }

  /** The connection, with every waiting write committed first. */
  async function reader(): Promise<SqliteDriver> {
    const db = await ready
    commitGroup(db, writes.take())
    return db
  }

  return {
    enqueue(jobs) {
      return write({ kind: 'enqueue', jobs })
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) {
        await reader()
        return []
      }
      const db = await ready
      const group = writes.take()
      if (group.length === 0 && db.all(dueSql, [now]).length === 0) return []
      const claim = () => db.all(claimSql, [now + leaseMs, now, limit])
      const rows = commitGroup(db, group, claim) ?? []
      return rows
        .map(toJob)
        .sort((a, b) => a.next_attempt_at - b.next_attempt_at || (a.id < b.id ? -1 : 1))
    },

    complete(id) {
      return write({ kind: 'complete', id })
    },

    reschedule(id, attempt, nextAttemptAt) {
      return write({ kind: 'reschedule', id, attempt, at: nextAttemptAt })
    },

    async nextDueAt() {
      const db = await reader()
      const value = db.all('select min(available_at) as due from rh_jobs', [])[0]?.due
      return value === null || value === undefined ? null : Number(value)
    },

    async size() {
      const db = await reader()
      return Number(db.all('select count(*) as n from rh_jobs', [])[0]?.n ?? 0)
    },

    cancelSubscription(subscriptionId) {
      return write({ kind: 'cancel', subscriptionId })
    },

    recordAttempt(record) {
      return write({ kind: 'attempt', record })
    },

    /** Releases the WAL file once its syncs are done; the connection stays open. */
    async close() {
      await ready.catch(() => {})
      const open = wal
      wal = null
      await open?.close()
    },

    async listAttempts(owner, subscriptionId, query): Promise<Page<AttemptRecord>> {
      const db = await reader()
      const before = query.cursor === undefined ? null : decodeCursor(query.cursor)
      const rows = db.all(
        `select ${attemptColumns} from rh_attempts
         where owner = ? and subscription_id = ? and (? is null or seq < ?)
         order by seq desc limit ?`,
        [owner, subscriptionId, before, before, query.limit + 1],
      )
      const page = rows.slice(0, query.limit)
      const last = page.at(-1)
      return {
        items: page.map(toAttempt),
        nextCursor: rows.length > query.limit && last ? Number(last.seq).toString(36) : null,
      }
    },
  }
}

/** The attempt cursor is the base-36 `seq` of the last attempt of the previous page. */
function decodeCursor(cursor: string): number {
  return /^[0-9a-z]{1,10}$/.test(cursor) ? Number.parseInt(cursor, 36) : 0
}
