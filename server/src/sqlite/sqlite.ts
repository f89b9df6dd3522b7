import type { DeliveryQueue } from '../queue/delivery-queue'
import type { SubscriptionStore } from '../store/subscription-store'
import { connectSqlite, type SqliteOptions } from './connect-sqlite'
import type { SqliteDriver } from './driver'
import { createSqliteQueue } from './sqlite-queue'
import { createSqliteStore } from './sqlite-store'

/** A subscription store and a delivery queue sharing one SQLite connection. */
export interface Sqlite {
  store: SubscriptionStore
  queue: DeliveryQueue
  /** The open connection, once migrated (for inspection and backups). */
  driver: Promise<SqliteDriver>
  /** Closes the connection; call it once, after the engine has stopped. */
  close(): Promise<void>
}

/**
 * Durable storage in one SQLite file, with no server to run: the store and the queue share one
 * connection (WAL mode, migrated on first use). The driver is picked by runtime: `bun:sqlite`,
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
  const driver = connectSqlite(options)
  // A failed open surfaces on the first call; do not also report it as unhandled.
  driver.catch(() => {})
  const baseQueue = createSqliteQueue(driver)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await baseQueue.close?.()
      ;(await driver).close()
    })()
    return closing
  }
  const store = { ...createSqliteStore(driver), close }
  const queue = { ...baseQueue, close }
  return { store, queue, driver, close }
}

/**
 * A SQLite subscription store on its own connection. Prefer {@link sqlite} to share one
 * connection with the queue.
 *
 * @example
 * const store = sqliteStore({ path: './rh.db' })
 */
export function sqliteStore(options: SqliteOptions): SubscriptionStore {
  return sqlite(options).store
}

/**
 * A SQLite delivery queue on its own connection. Prefer {@link sqlite} to share one connection
 * with the store.
 *
 * @example
 * const queue = sqliteQueue({ path: './rh.db' })
 */
export function sqliteQueue(options: SqliteOptions): DeliveryQueue {
  return sqlite(options).queue
}
