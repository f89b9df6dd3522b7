import type { Page } from '../page'
import type { AttemptRecord, DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import { createQueueWriter, type PendingWrite, type QueueWrite } from '../queue/queue-write'
import type { ConnectionLock } from './connection-lock'
import { type SqliteDriver, type SqliteRow, transaction } from './driver'
import * as messageLog from './message-log'
import { applyQueueWrites } from './queue-writes'
import { joinTransaction } from './sqlite-transaction'
import { openWalSync, type WalSync } from './wal-sync'

const jobColumns =
  'id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at, created_at, fifo'
const attemptColumns =
  'seq, id, subscription_id, owner, message_id, event, attempt, outcome, response_status, error, response_excerpt, duration_ms, started_at, next_attempt_at'

/**
 * Whether any line has a pending job. Most queues have none: the lines' claim (an UPDATE, which
 * cost ~220 µs per claim even when it changed nothing) is then not run.
 */
const linesSql = `select 1 from rh_jobs where status = 'pending' and fifo = 1 limit 1`
/**
 * Whether any unordered job is due, or any line has a pending job: a claim that would find
 * neither need not start a write transaction. (The `limit 1` ends the whole union.)
 */
const dueSql = `select 1 from rh_jobs where status = 'pending' and fifo = 0 and available_at <= ?
  union all ${linesSql}`
/**
 * Leases the first due unordered jobs, in (available_at, created_at, message_id, id) order
 * straight from the partial index of pending unordered jobs (rowids: no lookup of the id index):
 * jobs due at the same time, such as a replay's, go in message order. `updated_at` becomes the
 * claim's time.
 */
const claimSql = `update rh_jobs set available_at = ?, updated_at = ? where rowid in (
  select rowid from rh_jobs where status = 'pending' and fifo = 0 and available_at <= ?
  order by available_at, created_at, message_id, id limit ?
) returning ${jobColumns}`
/**
 * The subscriptions with pending `fifo` jobs (their lines): a skip scan of the line index, one
 * seek per line, never a read of the jobs waiting in them.
 */
const linesCte = `with recursive lines(sid) as (
  select min(subscription_id) from rh_jobs where status = 'pending' and fifo = 1
  union all
  select (select min(subscription_id) from rh_jobs
    where status = 'pending' and fifo = 1 and subscription_id > lines.sid)
  from lines where lines.sid is not null
)`
/** When a line is free: the latest `available_at` of its jobs (a lease, a retry's time, or due). */
const lineDue = `(select max(available_at) from rh_jobs b
  where b.subscription_id = lines.sid and b.status = 'pending' and b.fifo = 1)`
/**
 * Leases the head (first in message order) of each line whose jobs are all due: none of them is
 * leased or waiting for its retry. One job per line at a time; the write transaction makes it
 * hold across connections and processes.
 */
const claimFifoSql = `${linesCte}
update rh_jobs set available_at = ?, updated_at = ? where rowid in (
  select (select h.rowid from rh_jobs h
    where h.subscription_id = lines.sid and h.status = 'pending' and h.fifo = 1
    order by h.created_at, h.message_id, h.id limit 1)
  from lines where lines.sid is not null and ${lineDue} <= ? limit ?
) returning ${jobColumns}`
/** The earliest time an unordered job or a line's head may be claimed. */
const nextDueSql = `${linesCte}
select min(due) as due from (
  select min(available_at) as due from rh_jobs where status = 'pending' and fifo = 0
  union all select ${lineDue} from lines where lines.sid is not null
)`

/** Claimed jobs in claim order (see `claimSql`). */
function claimOrder(a: DeliveryJob, b: DeliveryJob): number {
  return (
    a.next_attempt_at - b.next_attempt_at ||
    a.created_at - b.created_at ||
    (a.message_id < b.message_id ? -1 : a.message_id > b.message_id ? 1 : 0) ||
    (a.id < b.id ? -1 : 1)
  )
}

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
    ...(Number(row.fifo) === 1 ? { fifo: true } : {}),
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
    response_excerpt: nullableString(row.response_excerpt),
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

/**
 * Under load, a group commits at least this long after the queue's previous commit, in ms. A
 * commit writes every page it changed, whole, to the WAL: the same index leaves and table pages
 * for one write as for fifty, so its cost is mostly per commit. With few attempts in flight (the
 * default 8 per host) their outcomes came one round of I/O apart, four to a commit, and cost a
 * third more CPU per delivery than with 64 in flight; spaced, they share commits as at 64. A
 * write waits for it only while commits follow each other this closely; when the queue is quiet
 * the next group goes in the next round of I/O, as before.
 */
const COMMIT_SPACING_MS = 1

/** Options of {@link sqliteQueue}. */
export interface SqliteQueueOptions {
  /**
   * Opens what syncs the WAL after an enqueue's commit (default {@link openWalSync}); `null`
   * makes each such commit sync inside SQLite instead. For tests.
   */
  walSync?: (db: SqliteDriver) => Promise<WalSync | null>
  /**
   * Held while an application transaction is open on the connection (see `sqlite(…)
   * .transaction`): the queue's writes and claims wait for it instead of joining it.
   */
  lock?: ConnectionLock
}

/**
 * A {@link DeliveryQueue} on one SQLite connection. Each job has one `available_at` column, the
 * time it may next be claimed: its `next_attempt_at`, or its lease expiry while claimed. Claiming
 * is one `UPDATE ... RETURNING` on the index of pending jobs, so two workers never share a lease.
 *
 * The message log: `enqueue(jobs, message)` writes the message in the same commit as its jobs
 * (an idempotency key taken within its window writes nothing and answers the holder's id, checked
 * inside that write transaction, so also across processes). A job is a delivery of the log: it
 * stays after `complete` with its final status (an `UPDATE`, no extra statement per delivery)
 * until `prune` removes its message. `redeliver` and `replay` each run in one write transaction
 * (all or nothing) and resolve once it is as durable as an enqueue; `prune` runs in bounded
 * batches of the caller's size (see `./message-log`).
 *
 * Group commit ({@link createQueueWriter}): `enqueue`, `complete`, `reschedule`,
 * `cancelSubscription` and `recordAttempt` calls made while the event loop handles one round of
 * I/O (under load: until {@link COMMIT_SPACING_MS} after the previous commit) are written in ONE
 * transaction (one sync to disk instead of one per call), and each call resolves only once that
 * transaction committed. If the group fails,
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
 * only (leases, attempt log, completions, reschedules, cancels, prunes) is not synced on its own:
 * a power loss can undo the last of it,
 * which repeats a delivery (at-least-once allows it) but never drops one, and the next sync makes
 * it durable too, because the WAL is replayed in order.
 *
 * In the application's transaction (`sqlite(…).transaction`, given its `lock`): `enqueueIn`
 * writes the message and jobs in it, synchronously, and `onWake` listeners hear of them once it
 * committed; meanwhile the group's commits, claims and reads wait for it to end, so none of
 * them joins it.
 *
 * @example
 * const queue = sqliteQueue(connectSqlite({ path: './rh.db' }))
 */
export function sqliteQueue(
  connection: Promise<SqliteDriver>,
  options: SqliteQueueOptions = {},
): DeliveryQueue {
  const lock = options.lock
  /** When this queue last committed (`performance.now()`), for {@link COMMIT_SPACING_MS}. */
  let lastCommitAt = Number.NEGATIVE_INFINITY
  // Writes join only once the connection is open (see `write`), and a group is written without
  // an await in between, so a read that takes the waiting writes never overtakes a group.
  const writes = createQueueWriter(
    async (group) => {
      if (!opened) throw new Error('sqlite queue: a write before the connection opened')
      while (lock?.held) await lock.released()
      commitGroup(opened, group)
    },
    {
      schedule(next) {
        const wait = lastCommitAt + COMMIT_SPACING_MS - performance.now()
        if (wait > 0) setTimeout(next, wait)
        else soon(next)
      },
    },
  )

  /**
   * Commits `group` in one transaction (alike writes in one statement: see
   * {@link applyQueueWrites}), and `also` (a claim) in the same one: one sync for all of them.
   */
  function commitGroup<T>(db: SqliteDriver, group: PendingWrite[], also?: () => T): T | undefined {
    lastCommitAt = performance.now()
    if (group.length === 0) return also && unsynced(db, also)
    let result: T | undefined
    const commit = () =>
      transaction(db, () => {
        const taken = applyQueueWrites(
          db,
          group.map((pending) => pending.write),
        )
        result = also?.()
        return taken
      })
    try {
      if (!wal && group.some(durable)) remember(commit())
      else remember(unsynced(db, commit))
    } catch {
      for (const pending of group) {
        try {
          const alone = () => transaction(db, () => applyQueueWrites(db, [pending.write]))
          if (durable(pending) && !wal) remember(alone())
          else remember(unsynced(db, alone))
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

  /** Enqueues not written because their idempotency key was taken: the holder's message id. */
  const duplicates = new WeakMap<QueueWrite, string>()
  /** Keeps what a committed group's {@link applyQueueWrites} returned, for `enqueue` to answer. */
  function remember(taken: Map<QueueWrite, string>) {
    for (const [write, holder] of taken) duplicates.set(write, holder)
  }

  /**
   * Runs `fn` in one write transaction after the waiting writes, durable when it resolves as an
   * enqueue is (a redeliver or replay queues deliveries: it must not be undone by a power loss).
   */
  async function durably<T>(fn: (db: SqliteDriver) => T): Promise<T> {
    const db = await reader()
    if (!wal) return transaction(db, () => fn(db))
    const result = unsynced(db, () => transaction(db, () => fn(db)))
    await wal.sync()
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
    if (lock?.held) await afterTransactions()
    commitGroup(db, writes.take())
    return db
  }

  /**
   * Resolves once no application transaction holds the connection and the groups that waited
   * for it committed (a read or claim that takes the waiting writes must not overtake them).
   * Callers skip it (no await) while none is open.
   */
  async function afterTransactions(): Promise<void> {
    while (lock?.held) {
      await lock.released()
      await writes.drain()
    }
  }

  /** Told after an application transaction that enqueued jobs committed. */
  const wakes = new Set<() => void>()

  return {
    async enqueueIn(tx, jobs, message) {
      const db = await ready
      const open = joinTransaction(tx, db)
      // In the caller's transaction, not the group: it commits (and syncs) with the caller's.
      const enqueue: QueueWrite = { kind: 'enqueue', jobs, message }
      const holder = applyQueueWrites(db, [enqueue]).get(enqueue)
      if (holder !== undefined) return { duplicateOf: holder }
      if (jobs.length > 0) {
        open.afterCommit.add(() => {
          for (const wake of wakes) wake()
        })
      }
    },

    onWake(wake) {
      wakes.add(wake)
      return () => void wakes.delete(wake)
    },

    async enqueue(jobs, message) {
      const enqueue: QueueWrite = { kind: 'enqueue', jobs, message }
      await write(enqueue)
      const holder = duplicates.get(enqueue)
      return holder === undefined ? undefined : { duplicateOf: holder }
    },

    async claim(now, limit, leaseMs) {
      if (limit <= 0) {
        await reader()
        return []
      }
      const db = await ready
      if (lock?.held) await afterTransactions()
      const group = writes.take()
      if (group.length === 0 && db.all(dueSql, [now]).length === 0) return []
      const claim = () => {
        // The lines first: a backlog of unordered jobs never starves them.
        const heads =
          db.all(linesSql, []).length > 0
            ? db.all(claimFifoSql, [now + leaseMs, now, now, limit])
            : []
        const rest = limit - heads.length
        if (rest === 0) return heads
        const plain = db.all(claimSql, [now + leaseMs, now, now, rest])
        return heads.length === 0 ? plain : [...heads, ...plain]
      }
      const rows = commitGroup(db, group, claim) ?? []
      return messageLog.withBodies(db, rows.map(toJob)).sort(claimOrder)
    },

    complete(id, status) {
      return write({ kind: 'complete', id, status })
    },

    reschedule(id, attempt, nextAttemptAt) {
      return write({ kind: 'reschedule', id, attempt, at: nextAttemptAt })
    },

    async nextDueAt() {
      const db = await reader()
      const value = db.all(nextDueSql, [])[0]?.due
      return value === null || value === undefined ? null : Number(value)
    },

    async size() {
      const db = await reader()
      return Number(
        db.all(
          `select (select count(*) from rh_jobs where status = 'pending' and fifo = 0)
            + (select count(*) from rh_jobs where status = 'pending' and fifo = 1) as n`,
          [],
        )[0]?.n ?? 0,
      )
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

    async listMessages(owner, query) {
      return messageLog.listMessages(await reader(), owner, query)
    },

    async getMessage(owner, id) {
      return messageLog.getMessage(await reader(), owner, id)
    },

    async listSubscriptionMessages(owner, subscriptionId, query) {
      return messageLog.listSubscriptionMessages(await reader(), owner, subscriptionId, query)
    },

    redeliver(owner, messageId, subscriptionIds, now) {
      if (subscriptionIds.length === 0) return Promise.resolve(0)
      return durably((db) => messageLog.redeliver(db, owner, messageId, subscriptionIds, now))
    },

    replay(owner, subscriptionId, query) {
      return durably((db) => messageLog.replay(db, owner, subscriptionId, query))
    },

    /** Bookkeeping: not synced on its own (a prune undone by a power loss is repeated). */
    async prune(before, limit) {
      const db = await reader()
      return unsynced(db, () => transaction(db, () => messageLog.prune(db, before, limit)))
    },
  }
}

/** The attempt cursor is the base-36 `seq` of the last attempt of the previous page. */
function decodeCursor(cursor: string): number {
  return /^[0-9a-z]{1,10}$/.test(cursor) ? Number.parseInt(cursor, 36) : 0
}
