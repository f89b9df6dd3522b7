import type { SqliteDriver } from '../sqlite/driver'
import type { Storage } from '../storage'
import type { SubscriptionCounts } from './sample-gauges'

/** A PostgreSQL client as `postgres` (porsager) makes it: a tagged template. */
type PostgresSql = (
  strings: TemplateStringsArray,
) => Promise<readonly { status: string; n: unknown }[]>

/**
 * Subscriptions by status for `rh serve`'s built-in storages, in one `GROUP BY status` query on
 * `rh_subscriptions` (SQLite through `storage.driver`, PostgreSQL through `storage.sql`);
 * `undefined` for any other storage. The query reads the whole table (no index has the status
 * first), once per scrape: fine for a scrape every few seconds up to about a million rows.
 *
 * @example
 * const countSubscriptions = storageSubscriptionCounts(storage)
 * await countSubscriptions?.() // { active: 12, paused: 1, disabled: 2 }
 */
export function storageSubscriptionCounts(
  storage: Storage & { driver?: Promise<SqliteDriver>; sql?: unknown },
): (() => Promise<SubscriptionCounts>) | undefined {
  const { driver, sql } = storage
  if (driver) {
    return async () =>
      tally(
        (await driver).all(
          'select status, count(*) as n from rh_subscriptions group by status',
          [],
        ) as { status: string; n: unknown }[],
      )
  }
  if (typeof sql === 'function') {
    const query = sql as PostgresSql
    return async () =>
      tally(await query`select status, count(*) as n from rh_subscriptions group by status`)
  }
  return undefined
}

function tally(rows: readonly { status: string; n: unknown }[]): SubscriptionCounts {
  const counts: Record<string, number> = {}
  for (const row of rows) counts[row.status] = Number(row.n)
  return counts as SubscriptionCounts
}
