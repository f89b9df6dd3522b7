/**
 * The one tiny SQLite interface the SQLite store and queue speak. Three runtime drivers
 * implement it: `node:sqlite` (Node >= 22.5, Deno), `bun:sqlite` (Bun) and `better-sqlite3`
 * (Node 20, an optional peer dependency). Every call is synchronous: a transaction is a plain
 * function that cannot interleave with other JavaScript.
 */
export type SqliteValue = string | number | null

/** A row as the driver returns it. */
export type SqliteRow = Record<string, SqliteValue>

/**
 * An open database connection.
 *
 * @example
 * const db = await openSqlite(':memory:')
 * db.exec('create table t (x integer)')
 * db.run('insert into t values (?)', [1])
 * db.all('select x from t', []) // [{ x: 1 }]
 */
export interface SqliteDriver {
  /** Which driver is underneath: `node:sqlite`, `bun:sqlite` or `better-sqlite3`. */
  readonly name: string
  /** Runs one or more statements without parameters (schema, pragmas). */
  exec(sql: string): void
  /** Runs one statement; how many rows it changed. */
  run(sql: string, params: readonly SqliteValue[]): { changes: number }
  /** Every row of one statement (a SELECT or a `... RETURNING`). */
  all(sql: string, params: readonly SqliteValue[]): SqliteRow[]
  close(): void
}

/** What the three driver libraries have in common: `exec`, `prepare`, `close`. */
export interface NativeDatabase {
  exec(sql: string): unknown
  prepare(sql: string): NativeStatement
  close(): unknown
}

/** A prepared statement of any of the three libraries. */
export interface NativeStatement {
  run(...params: SqliteValue[]): { changes: number | bigint }
  all(...params: SqliteValue[]): unknown[]
}

/**
 * Wraps a native database in the {@link SqliteDriver} interface, caching prepared statements.
 *
 * @example
 * const db = wrapNativeDatabase('better-sqlite3', new Database('rh.db'))
 */
export function wrapNativeDatabase(name: string, native: NativeDatabase): SqliteDriver {
  const statements = new Map<string, NativeStatement>()
  const prepare = (sql: string) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = native.prepare(sql)
      statements.set(sql, statement)
    }
    return statement
  }
  return {
    name,
    exec: (sql) => void native.exec(sql),
    run: (sql, params) => ({ changes: Number(prepare(sql).run(...params).changes) }),
    all: (sql, params) => prepare(sql).all(...params) as SqliteRow[],
    close() {
      statements.clear()
      native.close()
    },
  }
}

/**
 * Runs `fn` in one write transaction (`BEGIN IMMEDIATE`): all of it commits or none of it.
 *
 * @example
 * transaction(db, () => db.run('delete from rh_jobs where id = ?', [id]))
 */
export function transaction<T>(db: SqliteDriver, fn: () => T): T {
  db.exec('begin immediate')
  try {
    const result = fn()
    db.exec('commit')
    return result
  } catch (error) {
    db.exec('rollback')
    throw error
  }
}

/**
 * `text` `times` times, comma-separated: the placeholders of an `in (…)` list or the rows of a
 * multi-row `values`.
 *
 * @example
 * repeat('(?, ?)', 3) // '(?, ?), (?, ?), (?, ?)'
 */
export const repeat = (text: string, times: number) =>
  Array.from({ length: times }, () => text).join(', ')
