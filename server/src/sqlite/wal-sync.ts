import { coalesceCalls } from '../coalesce-calls'
import type { SqliteDriver } from './driver'

/** Syncs a database's write-ahead log to disk without blocking the event loop. */
export interface WalSync {
  /**
   * Resolves once everything committed before the call is on disk: one `fdatasync` of the WAL
   * file on the runtime's thread pool. Calls made while a sync runs share the next one.
   */
  sync(): Promise<void>
  /** Waits for the running syncs and releases the file. */
  close(): Promise<void>
}

interface Fs {
  open(path: string, flags: string, callback: (error: Error | null, fd: number) => void): void
  fdatasync(fd: number, callback: (error: Error | null) => void): void
  fsync(fd: number, callback: (error: Error | null) => void): void
  close(fd: number, callback: (error: Error | null) => void): void
}

const call = <T>(fn: (callback: (error: Error | null, value: T) => void) => void) =>
  new Promise<T>((resolve, reject) => {
    fn((error, value) => (error ? reject(error) : resolve(value)))
  })

/**
 * Opens the WAL file of the connection's main database for syncing, or `null` when there is none
 * to sync this way (not in WAL mode, an in-memory or temporary database, no `node:fs`): the
 * caller then lets SQLite sync inside the commit.
 *
 * Why it is as durable as `synchronous = full`: a WAL commit is on disk once the WAL file's data
 * is, and `fdatasync` flushes a file's data whichever descriptor wrote it. In WAL mode, `full`
 * differs from `normal` only by that sync of the WAL at each commit (both sync the WAL before a
 * checkpoint and the database after it), so a commit made under `normal` and followed by this
 * sync is where a `full` commit would be, without holding the event loop for the sync. The
 * directory is synced once, as SQLite does after creating the WAL. The WAL file stays the same
 * file while this connection is open (SQLite deletes it only when the last connection closes).
 *
 * @example
 * const wal = await openWalSync(db)
 * if (wal) await wal.sync()
 */
export async function openWalSync(db: SqliteDriver): Promise<WalSync | null> {
  const mode = db.all('pragma journal_mode', [])[0]?.journal_mode
  if (String(mode).toLowerCase() !== 'wal') return null
  const main = db.all('pragma database_list', []).find((row) => row.name === 'main')
  const file = typeof main?.file === 'string' ? main.file : ''
  if (file === '') return null
  let fs: Fs
  try {
    fs = (await import(/* @vite-ignore */ 'node:fs')) as unknown as Fs
  } catch {
    return null
  }
  let fd: number
  try {
    // r+: a descriptor that may sync on every platform, without creating or truncating.
    fd = await call<number>((done) => fs.open(`${file}-wal`, 'r+', done))
  } catch {
    return null
  }
  await syncDirectory(fs, dirname(file))

  // A sync that is running may have started before the caller's commit: callers that arrive
  // meanwhile share the next one.
  const shared = coalesceCalls(() => call<void>((done) => fs.fdatasync(fd, done)))
  return {
    sync: () => shared(''),
    async close() {
      // Waits for the running syncs (and makes one more) before letting the file go.
      await shared('').catch(noop)
      await call<void>((done) => fs.close(fd, done)).catch(noop)
    },
  }
}

const noop = () => {}

/** The directory of a path (either separator), without `node:path`. */
function dirname(file: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'))
  return cut <= 0 ? (cut === 0 ? file.slice(0, 1) : '.') : file.slice(0, cut)
}

/** Makes the WAL's directory entry durable; a no-op where directories cannot be synced. */
async function syncDirectory(fs: Fs, directory: string): Promise<void> {
  try {
    const fd = await call<number>((done) => fs.open(directory, 'r', done))
    await call<void>((done) => fs.fsync(fd, done)).catch(noop)
    await call<void>((done) => fs.close(fd, done)).catch(noop)
  } catch {
    // Windows cannot open a directory as a file; its directory entries need no sync.
  }
}
