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
}
