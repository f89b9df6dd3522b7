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
  throw new Error(NO_SQLITE_DRIVER)
}

/** Why SQLite cannot open, and the fix. better-sqlite3 13 needs Node 22: on Node 20, take 12. */
export const NO_SQLITE_DRIVER =
  'no SQLite driver: use Node >= 22.5, Bun or Deno, or install better-sqlite3 on Node 20 (npm i better-sqlite3@12)'

/** What {@link hasSqliteDriver} looks at; the running process's by default. */
export interface SqliteProbe {
  runtime: 'bun' | 'deno' | 'node'
  /** A built-in module, or `undefined` when there is none (or no way to ask synchronously). */
  builtin(name: string): unknown
  /** Whether a package can be resolved; `undefined` when that cannot be told synchronously. */
  resolvable(name: string): boolean | undefined
}

/**
 * Whether {@link openSqlite} will find a driver, told synchronously so `sqlite()` can fail at
 * once: `true` on Bun and Deno, on Node when `node:sqlite` loads or better-sqlite3 resolves;
 * `false` when neither does; `undefined` when it cannot be told (the open then fails).
 *
 * @example
 * if (hasSqliteDriver() === false) throw new Error(NO_SQLITE_DRIVER)
 */
export function hasSqliteDriver(probe: SqliteProbe = processProbe()): boolean | undefined {
  if (probe.runtime !== 'node') return true
  if (probe.builtin('node:sqlite') !== undefined) return true
  return probe.resolvable('better-sqlite3')
}

function processProbe(): SqliteProbe {
  const g = globalThis as { Bun?: unknown; Deno?: unknown; process?: NodeJS.Process }
  const getBuiltin = g.process?.getBuiltinModule?.bind(g.process)
  const builtin = (name: string) => {
    try {
      return getBuiltin?.(name)
    } catch {
      return undefined
    }
  }
  return {
    runtime: isBun ? 'bun' : g.Deno !== undefined ? 'deno' : 'node',
    builtin,
    resolvable(name) {
      const module = builtin('node:module') as typeof import('node:module') | undefined
      if (module === undefined) return undefined
      // The built CommonJS output has no import.meta.url: resolve from the working directory.
      const from = (import.meta as { url?: string }).url ?? `${g.process?.cwd() ?? '.'}/`
      try {
        module.createRequire(from).resolve(name)
        return true
      } catch {
        return false
      }
    },
  }
}
