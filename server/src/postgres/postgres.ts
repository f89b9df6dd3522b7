import type { Sql } from 'postgres'
import type { Storage } from '../storage'
import { migrate } from './migrate'
import { postgresQueue } from './postgres-queue'
import { postgresStore } from './postgres-store'

/** Options of {@link postgres}. */
export interface PostgresOptions {
  /** The LISTEN/NOTIFY channel that wakes workers in other processes (default `rh_wake`). */
  channel?: string
  /**
   * When the server's autovacuum is off, vacuum the queue table after this many dead rows of
   * its own making (default 20,000; `0` never). See `createQueueVacuum`.
   */
  vacuumEvery?: number
}

/**
 * Durable storage on PostgreSQL (the `postgres` driver, an optional peer dependency), shared by
 * any number of servers: workers claim with `FOR UPDATE SKIP LOCKED` and wake each other with
 * LISTEN/NOTIFY. `migrate()` applies the versions not yet applied, in transactions under an
 * advisory lock, so several servers may start at once. `close()` stops listening, then ends `sql`:
 * give it a pool of its own.
 *
 * @example
 * import postgresJs from 'postgres'
 * import { postgres } from '@rh/server/postgres'
 *
 * const db = postgres(postgresJs(process.env.DATABASE_URL))
 * await db.migrate()
 * const rh = createResthooks({ store: db.store, queue: db.queue, authenticate })
 */
export function postgres(sql: Sql, options: PostgresOptions = {}): Storage {
  const baseQueue = postgresQueue(sql, options)
  let closing: Promise<void> | null = null
  const close = () => {
    closing ??= (async () => {
      await baseQueue.close?.()
      await sql.end({ timeout: 5 })
    })()
    return closing
  }
  return {
    store: { ...postgresStore(sql), close },
    queue: { ...baseQueue, close },
    async migrate() {
      await migrate(sql)
    },
    close,
  }
}
