import type { Storage, StorageHealth } from '../storage'
import { connectSqlite, type SqliteOptions } from './connect-sqlite'
import { createConnectionLock } from './connection-lock'
import type { SqliteDriver } from './driver'
import { hasSqliteDriver, NO_SQLITE_DRIVER } from './open-sqlite'
import { sqliteQueue } from './sqlite-queue'
import { sqliteStore } from './sqlite-store'
import { runTransaction, type SqliteTransaction } from './sqlite-transaction'
import { type DiskFullWatch, watchDiskFull } from './watch-disk-full'

/** The {@link Storage} of one SQLite file, and its connection. */
export interface Sqlite extends Storage {
  /** The open connection, once migrated (for inspection and backups). */
  driver: Promise<SqliteDriver>
  /** `disk_full` from a write refused for want of space until a write commits again. */
  health(): StorageHealth
  /**
   * Runs `fn` in one write transaction on this storage's own connection (the database file your
   * tables share with rh's): run your statements on `tx` and pass it to `rh.notify(…, { tx })`,
   * and the notification commits with them, or rolls back with them when `fn` throws. Delivery
   * starts once it committed. While it is open, rh's own writes and claims on the connection
   * wait (SQLite has one writer), so keep it short, and do not call rh's API or
   * `rh.store` writes from inside it (they would wait for it). Subscriptions are read inside it.
   *
   * @example
   * const order = await db.transaction(async (tx) => {
   *   tx.run('insert into orders (id, total) values (?, ?)', ['o_1', 42])
   *   await rh.notify('acme', 'order.created', { id: 'o_1' }, { tx })
   *   return 'o_1'
   * })
   */
  transaction<T>(fn: (tx: SqliteTransaction) => T | Promise<T>): Promise<T>
}

/**
 * Durable storage in one SQLite file, with no server to run: the store and the queue share one
 * connection (WAL mode, migrated as it opens; `migrate()` resolves once that is done, or rejects
 * with why the file could not be opened). `health()` reports a full disk until a write commits
 * again; the WAL is truncated on that error, so writes resume as soon as space returns. The
 * driver is picked by runtime (none found throws at once, with how to install one): `bun:sqlite`,
 * `node:sqlite` (Node >= 22.5, Deno) or `better-sqlite3` (Node 20).
 *
 * @example
 * import { createResthooks } from '@rh/server'
 * import { sqlite } from '@rh/server/sqlite'
 *
 * const db = sqlite({ path: './rh.db' })
 * const rh = createResthooks({ store: db.store, queue: db.queue, authenticate })
 */
export function sqlite(options: SqliteOptions): Sqlite {
  // No driver is a setup mistake: said now, not as a 500 at the first request.
  if (options.driver === undefined && hasSqliteDriver() === false) throw new Error(NO_SQLITE_DRIVER)
  let watch: DiskFullWatch | undefined
  const driver = connectSqlite(options).then((db) => {
    watch = watchDiskFull(db)
    return watch.driver
  })
  // A failed open surfaces on the first call; do not also report it as unhandled.
  driver.catch(() => {})
  // Application transactions hold the connection; rh's writes wait for them.
  const lock = createConnectionLock()
  const baseQueue = sqliteQueue(driver, { lock })
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await baseQueue.close?.()
      ;(await driver).close()
    })()
    return closing
  }
  const store = { ...sqliteStore(driver, lock), close }
  const queue = { ...baseQueue, close }
  const migrate = async () => {
    await driver
  }
  // Before the connection opened, nothing has failed for want of space.
  const health = () => watch?.health() ?? { status: 'ok' as const }
  const transaction = async <T>(fn: (tx: SqliteTransaction) => T | Promise<T>) =>
    runTransaction(await driver, lock, fn)
  return { store, queue, migrate, close, driver, health, transaction }
}
