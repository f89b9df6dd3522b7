import type { Storage } from '../storage'
import type { ServeConfig } from './serve-config'

/**
 * Opens the configured storage: the SQLite file (migrated on open), or PostgreSQL (migrated now,
 * under its advisory lock, so several `rh serve` can start at once). Drivers load on demand; a
 * missing one fails with how to install it (`loadPostgres` is injectable for tests).
 *
 * @example
 * const { store, queue, close } = await openStorage(config.storage)
 */
export async function openStorage(
  storage: ServeConfig['storage'],
  options: { loadPostgres?: () => Promise<unknown> } = {},
): Promise<Storage & { sql?: unknown }> {
  if (storage.kind === 'sqlite') {
    const { sqlite } = await import('../sqlite/index')
    const db = sqlite({ path: storage.path })
    await db.migrate()
    return db
  }
  const [{ default: driver }, { postgres }] = await Promise.all([
    loadPostgres(options.loadPostgres ?? (() => import('postgres'))),
    import('../postgres/index'),
  ])
  const sql = driver(storage.url, { onnotice: () => {} })
  const db = postgres(sql)
  try {
    await db.migrate()
  } catch (error) {
    await db.close()
    throw error
  }
  // The client too, for what reads the tables directly (the subscriptions gauge of /metrics).
  return { ...db, sql }
}

type PostgresModule = { default: typeof import('postgres') }

/** The `postgres` driver, an optional peer dependency: missing, the error says how to install it. */
async function loadPostgres(load: () => Promise<unknown>): Promise<PostgresModule> {
  try {
    return (await load()) as PostgresModule
  } catch (error) {
    const code = (error as { code?: unknown }).code
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw error
    throw new Error(
      '--postgres needs the PostgreSQL driver, which is not installed: npm i postgres (or leave out --postgres to use SQLite)',
      { cause: error },
    )
  }
}
