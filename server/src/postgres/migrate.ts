import type { Sql } from 'postgres'
import { type Migration, postgresMigrations } from './migrations'

/**
 * Brings the database to the latest rh schema: runs the migrations not yet recorded in
 * `rh_migrations`, each in the same transaction as its record. Idempotent, and safe when several
 * servers start at once: they serialise on a transaction-scoped advisory lock per schema.
 * Returns the versions it applied.
 *
 * @example
 * await migrate(sql) // at deploy time or on start
 */
export async function migrate(
  sql: Sql,
  migrations: readonly Migration[] = postgresMigrations,
): Promise<number[]> {
  return sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(hashtext('rh.migrate:' || current_schema()))`
    await tx`
      create table if not exists rh_migrations (
        version integer primary key,
        name text not null,
        applied_at timestamptz not null default now()
      )`
    const done = new Set((await tx`select version from rh_migrations`).map((r) => r.version))
    const applied: number[] = []
    for (const migration of migrations) {
      if (done.has(migration.version)) continue
      await tx.unsafe(migration.sql)
      await tx`insert into rh_migrations (version, name) values (${migration.version}, ${migration.name})`
      applied.push(migration.version)
    }
    return applied
  }) as Promise<number[]>
}
