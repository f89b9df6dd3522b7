import type { SqliteDriver } from './driver'
import { migrate } from './migrate'
import { openSqlite } from './open-sqlite'

/** Where the SQLite database is and how hard it syncs. */
export interface SqliteOptions {
  /** The database file (created when missing), or `:memory:` for a private in-memory database. */
  path: string
  /**
   * `full` (default) syncs the WAL before `notify` resolves, so an accepted notification survives
   * a power loss (the queue's bookkeeping commits skip their own sync: see `sqliteQueue`).
   * `normal` syncs only at checkpoints: every commit survives a process crash, but a power loss
   * or OS crash can undo the last accepted notifications. Full stays the default because `notify`
   * promises durability; choose `normal` when the host's storage makes that promise for you.
   */
  synchronous?: 'full' | 'normal'
  /** How long a write waits for another process's write lock, in ms (default 5000). */
  busyTimeout?: number
  /** An already open driver to use instead of opening `path` (tests, custom builds). */
  driver?: SqliteDriver
}

/**
 * WAL pages between automatic checkpoints (32 MiB at the default 4 KiB page), instead of
 * SQLite's 1000. A checkpoint costs two syncs to disk on the event loop whatever it copies, and
 * the queue rewrites the same few pages (the ends of its indexes) commit after commit: eight
 * times fewer checkpoints copy about the same pages once, for a WAL file of up to 32 MiB.
 */
const WAL_CHECKPOINT_PAGES = 8192

/**
 * Opens the database, switches it to WAL, and migrates it to the latest schema.
 *
 * @example
 * const db = await connectSqlite({ path: './rh.db' })
 */
export async function connectSqlite(options: SqliteOptions): Promise<SqliteDriver> {
  const db = options.driver ?? (await openSqlite(options.path))
  db.exec(`pragma busy_timeout = ${Math.trunc(options.busyTimeout ?? 5000)}`)
  if (options.path !== ':memory:') {
    db.exec('pragma journal_mode = wal')
    db.exec(`pragma wal_autocheckpoint = ${WAL_CHECKPOINT_PAGES}`)
  }
  db.exec(`pragma synchronous = ${options.synchronous === 'normal' ? 'normal' : 'full'}`)
  db.exec('pragma foreign_keys = on')
  migrate(db)
  return db
}
