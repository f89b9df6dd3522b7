import type { DeliveryQueue } from './queue/delivery-queue'
import type { SubscriptionStore } from './store/subscription-store'

/**
 * What a durable backend hands out (`sqlite({ path })`, `postgres(sql)`): a subscription store
 * and a delivery queue on one database, how to bring its schema up to date, and how to release
 * it. Closing the store or the queue (as `createResthooks` does on `close`) closes it too.
 */
export interface Storage {
  store: SubscriptionStore
  queue: DeliveryQueue
  /** Brings the database to the latest schema (idempotent); resolves once it is ready to use. */
  migrate(): Promise<void>
  /** Releases the database once its pending writes are done; call it after the engine stopped. */
  close(): Promise<void>
  /** How the database stands, where the backend can tell (SQLite: a full disk). */
  health?(): StorageHealth
}

/**
 * How a backend's database stands: `ok`, or `disk_full` (writes fail for want of space; every
 * refused write was refused, none falsely accepted) with the error that said so.
 *
 * @example
 * const health = storage.health?.() ?? { status: 'ok' }
 * if (health.status !== 'ok') console.error('storage', health.status)
 */
export type StorageHealth = { status: 'ok' } | { status: 'disk_full'; error: unknown }
