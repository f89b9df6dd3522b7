/**
 * @module @rh/server/postgres — durable subscription store and delivery queue on PostgreSQL
 * (the `postgres` driver, an optional peer dependency), shared by any number of servers.
 */
export type { Storage } from '../storage'
export { type PostgresOptions, postgres } from './postgres'
