import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { DeliveryQueue } from '../server/src/queue/delivery-queue'
import { memoryQueue } from '../server/src/queue/memory-queue'
import { memoryStore } from '../server/src/store/memory-store'
import type { SubscriptionStore } from '../server/src/store/subscription-store'
import { pgTableStats, type TableStats } from './pg-table-stats'

/**
 * Where a benchmark keeps subscriptions and pending deliveries. `sqlite` syncs every commit
 * (`synchronous = full`, the default: an accepted notification survives a power loss);
 * `sqlite-normal` survives a process crash only, and shows what the syncs cost.
 */
export type StorageKind = 'memory' | 'sqlite' | 'sqlite-normal' | 'postgres'

/** A store and a queue, and how to throw them away. */
export interface BenchStorage {
  kind: StorageKind
  store: SubscriptionStore
  queue: DeliveryQueue
  /** PostgreSQL only: size and dead rows of rh's tables now. */
  tableStats?: () => Promise<TableStats[]>
  /** Closes connections and deletes the database file or schema. */
  dispose(): Promise<void>
}

/** The PostgreSQL the benchmarks use: the test database, in a schema of their own. */
export const postgresUrl =
  process.env.RH_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/**
 * A fresh, empty storage of the given kind: the memory store and queue; SQLite in a temporary
 * file (WAL); PostgreSQL in a new schema of the test database, dropped afterwards.
 *
 * @example
 * const storage = await openStorage('sqlite')
 * await storage.dispose()
 */
export async function openStorage(kind: StorageKind): Promise<BenchStorage> {
  if (kind === 'memory') {
    return { kind, store: memoryStore(), queue: memoryQueue(), dispose: async () => {} }
  }
  if (kind === 'sqlite' || kind === 'sqlite-normal') {
    const { sqlite } = await import('../server/src/sqlite/index')
    const dir = mkdtempSync(join(tmpdir(), 'rh-bench-'))
    const synchronous = kind === 'sqlite' ? 'full' : 'normal'
    const db = sqlite({ path: join(dir, 'rh.db'), synchronous })
    return {
      kind,
      store: db.store,
      queue: db.queue,
      async dispose() {
        await db.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const { default: driver } = await import('postgres')
  const { postgres } = await import('../server/src/postgres/index')
  const schema = `rh_bench_${process.pid}_${Math.random().toString(36).slice(2, 8)}`
  const admin = driver(postgresUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema "${schema}"`)
  const db = postgres(
    driver(postgresUrl, { max: 16, onnotice: () => {}, connection: { search_path: schema } }),
  )
  await db.migrate()
  return {
    kind,
    store: db.store,
    queue: db.queue,
    tableStats: () => pgTableStats(admin, schema),
    async dispose() {
      await db.close()
      // Dropping the schema frees its files: no bloat is left behind (autovacuum may be off).
      await admin.unsafe(`drop schema if exists "${schema}" cascade`)
      await admin.end({ timeout: 5 })
    },
  }
}
