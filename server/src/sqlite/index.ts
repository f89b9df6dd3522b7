/**
 * @module @rh/server/sqlite — durable subscription store and delivery queue in one SQLite file.
 */
export type { Storage } from '../storage'
export type { SqliteOptions } from './connect-sqlite'
export type { SqliteDriver, SqliteRow, SqliteValue } from './driver'
export { type Sqlite, sqlite } from './sqlite'
export type { SqliteTransaction } from './sqlite-transaction'
