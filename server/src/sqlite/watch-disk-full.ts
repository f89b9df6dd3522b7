import type { StorageHealth } from '../storage'
import { isDiskFull } from './disk-full'
import type { SqliteDriver } from './driver'

/** A connection that notices a full disk, and how it stands. */
export interface DiskFullWatch {
  /** The connection, every call passed through. */
  driver: SqliteDriver
  /** `ok`, or `disk_full` with the error, after trying a write again (so it sees space return). */
  health(): StorageHealth
}

/**
 * Wraps a connection so a full disk (`SQLITE_FULL`, `ENOSPC`) is noticed and recovered from as
 * soon as space returns. On the error, and again after the rollback, the WAL is checkpointed
 * and truncated to nothing (`wal_checkpoint(truncate)`): the frames it held go into the
 * database file, whose pages mostly exist already, and the space the WAL took is given back
 * at once instead of at the next automatic checkpoint (thousands of pages later). Until a write
 * commits again, {@link DiskFullWatch.health} reports `disk_full`; it tries a one-page write
 * itself, so it turns `ok` even when nothing else writes.
 *
 * @example
 * const { driver, health } = watchDiskFull(await connectSqlite({ path: './rh.db' }))
 */
export function watchDiskFull(db: SqliteDriver): DiskFullWatch {
  let full: unknown = null
  let checkpointDue = false

  const checkpoint = () => {
    try {
      const row = db.all('pragma wal_checkpoint(truncate)', [])[0]
      // `busy` is 1 inside a transaction or while another connection reads: try again later.
      if (row?.busy === 0) checkpointDue = false
    } catch {
      // Still no room for the checkpoint itself; the next error or health check tries again.
    }
  }
  const failed = (error: unknown): never => {
    if (isDiskFull(error)) {
      full = error
      checkpointDue = true
      checkpoint()
    }
    throw error
  }

  const driver: SqliteDriver = {
    name: db.name,
    exec(sql) {
      try {
        db.exec(sql)
      } catch (error) {
        failed(error)
      }
      if (sql === 'commit') full = null
      else if (sql === 'rollback' && checkpointDue) checkpoint()
    },
    run(sql, params) {
      try {
        return db.run(sql, params)
      } catch (error) {
        return failed(error)
      }
    },
    all(sql, params) {
      try {
        return db.all(sql, params)
      } catch (error) {
        return failed(error)
      }
    },
    close: () => db.close(),
  }

  return {
    driver,
    health() {
      if (full === null) return { status: 'ok' }
      if (checkpointDue) checkpoint()
      try {
        // Rewriting the schema version as it is: the smallest write that reaches the disk.
        const version = Number(db.all('pragma user_version', [])[0]?.user_version ?? 0)
        driver.exec('begin immediate')
        try {
          driver.exec(`pragma user_version = ${version}`)
          driver.exec('commit')
        } catch (error) {
          driver.exec('rollback')
          throw error
        }
      } catch {
        // Reported below.
      }
      return full === null ? { status: 'ok' } : { status: 'disk_full', error: full }
    },
  }
}
