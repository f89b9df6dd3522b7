/**
 * `true` for SQLite's "database or disk is full" (`SQLITE_FULL`) as each driver reports it:
 * `code: 'SQLITE_FULL'` (better-sqlite3, bun:sqlite), `errcode: 13` (node:sqlite), or the
 * message, for drivers that give only that; and `ENOSPC` from syncing the WAL file.
 *
 * @example
 * if (isDiskFull(error)) db.exec('pragma wal_checkpoint(truncate)')
 */
export function isDiskFull(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false
  const { code, errcode, message } = error as {
    code?: unknown
    errcode?: unknown
    message?: unknown
  }
  return (
    code === 'SQLITE_FULL' ||
    code === 'ENOSPC' ||
    (typeof errcode === 'number' && (errcode & 0xff) === 13) ||
    (typeof message === 'string' && /database or disk is full/i.test(message))
  )
}
