/**
 * @module @rh/server/sqlite — durable subscription store and delivery queue in one SQLite file.
 */
export { connectSqlite, type SqliteOptions } from './connect-sqlite'
export type { SqliteDriver, SqliteRow, SqliteValue } from './driver'
export { openSqlite } from './open-sqlite'
export { migrateSqlite, sqliteMigrations } from './schema'
export { type Sqlite, sqlite, sqliteQueue, sqliteStore } from './sqlite'
export { createSqliteQueue, type SqliteQueueOptions } from './sqlite-queue'
export { createSqliteStore } from './sqlite-store'
export { openWalSync, type WalSync } from './wal-sync'
