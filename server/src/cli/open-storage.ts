import type { Storage } from '../storage'
import type { ServeConfig } from './serve-config'

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
    await db.migrate()
    return db
  }
  const [{ default: driver }, { postgres }] = await Promise.all([
    import('postgres'),
    import('../postgres/index'),
  ])
  const db = postgres(driver(storage.url, { onnotice: () => {} }))
  try {
    await db.migrate()
  } catch (error) {
    await db.close()
    throw error
  }
  return db
}
