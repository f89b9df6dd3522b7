import type { DeliveryQueue } from '../queue/delivery-queue'
import type { SubscriptionStore } from '../store/subscription-store'
import type { ServeConfig } from './serve-config'

/** The store and queue `rh serve` runs on, and how to release them. */
export interface Storage {
  store: SubscriptionStore
  queue: DeliveryQueue
  /** Releases the database after the engine closed (idempotent). */
  close(): Promise<void>
}

/**
 * Opens the configured storage: the SQLite file (migrated on open), or PostgreSQL (migrated now,
 * under its advisory lock, so several `rh serve` can start at once). Drivers load on demand.
 *
 * @example
 * const { store, queue, close } = await openStorage(config.storage)
 */
export async function openStorage(storage: ServeConfig['storage']): Promise<Storage> {
  if (storage.kind === 'sqlite') {
    const { sqlite } = await import('../sqlite/index')
    const db = sqlite({ path: storage.path })
    await db.driver
    return db
  }
  const [{ default: postgres }, { migrate, postgresQueue, postgresStore }] = await Promise.all([
    import('postgres'),
    import('../postgres/index'),
  ])
  const sql = postgres(storage.url, { onnotice: () => {} })
  try {
    await migrate(sql)
  } catch (error) {
    await sql.end({ timeout: 1 })
    throw error
  }
  const queue = postgresQueue(sql)
  let closing: Promise<void> | null = null
  return {
    store: postgresStore(sql),
    queue,
    close() {
      closing ??= (async () => {
        await queue.close?.()
        await sql.end({ timeout: 5 })
      })()
      return closing
    },
  }
}
