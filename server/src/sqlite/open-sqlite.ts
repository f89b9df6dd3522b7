import { type NativeDatabase, type SqliteDriver, wrapNativeDatabase } from './driver'

type Constructor = new (path: string) => NativeDatabase

const isBun = typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined'

/**
 * Loads a module by a name the bundler must not resolve: `bun:sqlite` exists only on Bun,
 * `node:sqlite` only on Node >= 22.5 and Deno, `better-sqlite3` only when installed.
 */
const load = (specifier: string): Promise<Record<string, unknown>> =>
  import(/* @vite-ignore */ specifier)

async function nodeSqlite(): Promise<Constructor | null> {
  try {
    const mod = await load('node:sqlite')
    return (mod.DatabaseSync as Constructor | undefined) ?? null
  } catch {
    return null
  }
}

async function betterSqlite(): Promise<Constructor | null> {
  try {
    const mod = await load('better-sqlite3')
    return ((mod.default ?? mod) as Constructor | undefined) ?? null
  } catch {
    return null
  }
}

/**
 * Opens a SQLite database with the driver of the running runtime: `bun:sqlite` on Bun,
 * `node:sqlite` on Node >= 22.5 and Deno, else `better-sqlite3` (install it on Node 20).
 *
 * @example
 * const db = await openSqlite('./rh.db')
 */
export async function openSqlite(path: string): Promise<SqliteDriver> {
  if (isBun) {
    const { Database } = (await load('bun:sqlite')) as {
      Database: new (path: string, options: object) => NativeDatabase
    }
    return wrapNativeDatabase('bun:sqlite', new Database(path, { create: true, strict: true }))
  }
  const DatabaseSync = await nodeSqlite()
  if (DatabaseSync) return wrapNativeDatabase('node:sqlite', new DatabaseSync(path))
  const BetterSqlite = await betterSqlite()
  if (BetterSqlite) return wrapNativeDatabase('better-sqlite3', new BetterSqlite(path))
  throw new Error(
    'no SQLite driver: use Node >= 22.5, Bun or Deno, or install better-sqlite3 (npm i better-sqlite3)',
  )
}
