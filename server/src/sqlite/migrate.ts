import { type SqliteDriver, transaction } from './driver'
import { sqliteMigrations } from './migrations'

/**
 * Brings the database to the latest schema version. Idempotent, and safe when several
 * connections race: each version runs in its own write transaction, which re-checks the version.
 *
 * @example
 * migrate(await openSqlite('./rh.db'))
 */
export function migrate(db: SqliteDriver): void {
  sqliteMigrations.forEach((migration, index) => {
    transaction(db, () => {
      const version = Number(db.all('pragma user_version', [])[0]?.user_version ?? 0)
      if (version > index) return
      db.exec(migration)
      db.exec(`pragma user_version = ${index + 1}`)
    })
  })
}
