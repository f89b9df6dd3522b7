import { ResthooksError } from '../errors'
import type { ConnectionLock } from './connection-lock'
import type { SqliteDriver, SqliteRow, SqliteValue } from './driver'

/**
 * An application transaction on the SQLite storage's own connection, as
 * `sqlite(…).transaction(fn)` hands it to `fn`: run your statements on it, and pass it to
 * `rh.notify(…, { tx })`. Usable only until `fn` settles.
 *
 * @example
 * await db.transaction(async (tx) => {
 *   tx.run('insert into orders (id) values (?)', ['o_1'])
 *   await rh.notify('acme', 'order.created', { id: 'o_1' }, { tx })
 * })
 */
export interface SqliteTransaction {
  /** Runs one or more statements without parameters. */
  exec(sql: string): void
  /** Runs one statement; how many rows it changed. */
  run(sql: string, params?: readonly SqliteValue[]): { changes: number }
  /** Every row of one statement. */
  all(sql: string, params?: readonly SqliteValue[]): SqliteRow[]
}

interface OpenTransaction {
  db: SqliteDriver
  open: boolean
  /** Run once the transaction committed (wake the workers), never after a rollback. */
  afterCommit: Set<() => void>
}

const transactions = new WeakMap<object, OpenTransaction>()

/**
 * Runs `fn` in one write transaction (`BEGIN IMMEDIATE`) on `db`, holding `lock` so that rh's
 * own writes and claims on the connection wait instead of joining it. Commits when `fn`
 * resolves, rolls back when it throws; what was registered with {@link joinTransaction}'s
 * `afterCommit` runs once it committed.
 *
 * @example
 * await runTransaction(db, lock, async (tx) => tx.run('insert into t values (?)', [1]))
 */
export function runTransaction<T>(
  db: SqliteDriver,
  lock: ConnectionLock,
  fn: (tx: SqliteTransaction) => T | Promise<T>,
): Promise<T> {
  return lock.hold(async () => {
    db.exec('begin immediate')
    const state: OpenTransaction = { db, open: true, afterCommit: new Set() }
    const usable = () => {
      if (!state.open) throw new Error('sqlite transaction: used after it ended')
      return db
    }
    const tx: SqliteTransaction = {
      exec: (sql) => usable().exec(sql),
      run: (sql, params = []) => usable().run(sql, params),
      all: (sql, params = []) => usable().all(sql, params),
    }
    transactions.set(tx, state)
    let result: T
    try {
      result = await fn(tx)
    } catch (error) {
      state.open = false
      rollback(db)
      throw error
    }
    state.open = false
    try {
      db.exec('commit')
    } catch (error) {
      rollback(db)
      throw error
    }
    for (const callback of state.afterCommit) callback()
    return result
  })
}

/** Rolls back, if SQLite has not done so itself already (some errors end the transaction). */
function rollback(db: SqliteDriver) {
  try {
    db.exec('rollback')
  } catch {}
}

/**
 * The open transaction `tx` on `db`, to write in: throws unless `tx` is a {@link SqliteTransaction}
 * of this very connection that has not ended.
 *
 * @example
 * const open = joinTransaction(tx, db)
 * applyQueueWrites(open.db, [write])
 * open.afterCommit.add(wake)
 */
export function joinTransaction(tx: unknown, db: SqliteDriver): OpenTransaction {
  const state = typeof tx === 'object' && tx !== null ? transactions.get(tx) : undefined
  if (state === undefined || state.db !== db) {
    throw new ResthooksError(
      'invalid_request',
      'tx must be the transaction that transaction((tx) => …) of this sqlite storage hands over',
    )
  }
  if (!state.open) throw new ResthooksError('invalid_request', 'tx has already ended')
  return state
}
