import type { Storage } from '../storage'
import { connectSqlite, type SqliteOptions } from './connect-sqlite'
import type { SqliteDriver } from './driver'
import { sqliteQueue } from './sqlite-queue'
import { sqliteStore } from './sqlite-store'

/** The {@link Storage} of one SQLite file, and its connection. */
export interface Sqlite extends Storage {
  /** The open connection, once migrated (for inspection and backups). */
  driver: Promise<SqliteDriver>
}

/**
 * Durable storage in one SQLite file, with no server to run: the store and the queue share one
 * connection (WAL mode, migrated as it opens; `migrate()` resolves once that is done, or rejects
 * with why the file could not be opened). The driver is picked by runtime: `bun:sqlite`,
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
  const baseQueue = sqliteQueue(driver)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await baseQueue.close?.()
      ;(await driver).close()
    })()
    return closing
  }
  const store = { ...sqliteStore(driver), close }
  const queue = { ...baseQueue, close }
  const migrate = async () => {
    await driver
  }
  return { store, queue, migrate, close, driver }
}
