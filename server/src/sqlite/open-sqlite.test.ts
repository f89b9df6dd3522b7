import { describe, expect, it } from 'vitest'
import { hasSqliteDriver, NO_SQLITE_DRIVER, openSqlite } from './open-sqlite'

describe('openSqlite', () => {
  it('opens the driver of the running runtime and runs statements', async () => {
    const db = await openSqlite(':memory:')
    db.exec('create table t (x integer, y text)')
    expect(db.run('insert into t values (?, ?), (?, ?)', [1, 'a', 2, null])).toEqual({ changes: 2 })
    expect(db.all('select x, y from t order by x', [])).toEqual([
      { x: 1, y: 'a' },
      { x: 2, y: null },
    ])
    expect(db.all('update t set x = x + 10 where x = ? returning x', [2])).toEqual([{ x: 12 }])
    db.close()
    expect(['node:sqlite', 'bun:sqlite', 'better-sqlite3']).toContain(db.name)
  })
})

describe('hasSqliteDriver', () => {
  const node = (builtin: unknown, resolvable: boolean | undefined) => ({
    runtime: 'node' as const,
    builtin: () => builtin,
    resolvable: () => resolvable,
  })

  it('finds node:sqlite, or better-sqlite3 where it is missing (Node 20)', () => {
    expect(hasSqliteDriver(node({ DatabaseSync: class {} }, false))).toBe(true)
    expect(hasSqliteDriver(node(undefined, true))).toBe(true)
  })

  it('says there is none on Node 20 without better-sqlite3, and how to install it', () => {
    expect(hasSqliteDriver(node(undefined, false))).toBe(false)
    expect(NO_SQLITE_DRIVER).toMatch(/npm i better-sqlite3@12/)
  })

  it('finds one on the running runtime', () => {
    expect(hasSqliteDriver()).toBe(true)
  })
})

describe('@rh/server on Node 20', () => {
  it('depends on better-sqlite3 12 optionally, so rh serve runs out of the box', async () => {
    const { readFileSync } = await import('node:fs')
    const manifest = JSON.parse(
      readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
    ) as { optionalDependencies?: Record<string, string> }
    // 13 needs Node 22; 12 is the last line that installs (prebuilt) and runs on Node 20.
    expect(manifest.optionalDependencies?.['better-sqlite3']).toBe('^12.0.0')
  })
})
