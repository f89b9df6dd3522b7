import type { Sql } from 'postgres'

/** One table's size and write traffic, from PostgreSQL's statistics. */
export interface TableStats {
  table: string
  /** `pg_total_relation_size`: heap, indexes and TOAST. */
  bytes: number
  liveRows: number
  deadRows: number
  updates: number
}

/**
 * Size and dead rows of every table in `schema`. Counters come from `pg_stat_user_tables`,
 * which backends flush about once a second, so they may trail the last few writes.
 *
 * @example
 * const stats = await pgTableStats(sql, 'rh_bench_1_abc')
 */
export async function pgTableStats(sql: Sql, schema: string): Promise<TableStats[]> {
  await sql`select pg_sleep(1.2)`
  const rows = await sql<
    { table: string; bytes: string; live: string; dead: string; updates: string }[]
  >`
    select relname as table, pg_total_relation_size(relid)::text as bytes,
      n_live_tup::text as live, n_dead_tup::text as dead, n_tup_upd::text as updates
    from pg_stat_user_tables where schemaname = ${schema} order by relname`
  return rows.map((row) => ({
    table: row.table,
    bytes: Number(row.bytes),
    liveRows: Number(row.live),
    deadRows: Number(row.dead),
    updates: Number(row.updates),
  }))
}

/** The stats as one report line per table. */
export function formatTableStats(stats: TableStats[]): string[] {
  const n = (value: number) => value.toLocaleString('en-US')
  return stats.map(
    (t) =>
      `  ${t.table.padEnd(20)}${(t.bytes / 2 ** 20).toFixed(1).padStart(8)} MB  ${n(t.liveRows)} live, ${n(t.deadRows)} dead rows, ${n(t.updates)} updates`,
  )
}
