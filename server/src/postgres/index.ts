/**
 * @module @rh/server/postgres — durable subscription store and delivery queue on PostgreSQL
 * (the `postgres` driver, an optional peer dependency), shared by any number of servers.
 */
export { migrate } from './migrate'
export { type Migration, postgresMigrations } from './migrations'
export { type PostgresQueueOptions, postgresQueue } from './postgres-queue'
export { postgresStore } from './postgres-store'
