import { describe, expect, it } from 'vitest'
import { openSqlite } from './open-sqlite'

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
