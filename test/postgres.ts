import postgres, { type Sql } from 'postgres'

/** The test database: the real PostgreSQL on 127.0.0.1:5432, user postgres, database test. */
export const postgresUrl =
  process.env.RH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

/** A connection whose `search_path` is `schema`, so rh's unqualified tables land there. */
export function connect(
  schema: string,
  options: Pick<postgres.Options<Record<string, never>>, 'max' | 'fetch_types' | 'debug'> = {},
): Sql {
  return postgres(postgresUrl, {
    max: 4,
    onnotice: () => {},
    connection: { search_path: schema },
    ...options,
  })
}

/**
 * A connection of `schema` that records every statement it sends, to count round trips.
 *
 * @example
 * const { sql, statements } = countedConnection(db.schema)
 */
export function countedConnection(schema: string): { sql: Sql; statements: string[] } {
  const statements: string[] = []
  const sql = connect(schema, { debug: (_connection, query) => statements.push(query) })
  return { sql, statements }
}

/**
 * A connection of `schema` (one session) on which auto_explain reports the plan of every
 * statement, nested ones too, as a notice that lands in `plans`; `analyze` adds the actual row
 * counts (`Rows Removed by Filter`, …) by running each statement's EXPLAIN ANALYZE.
 *
 * @example
 * const { sql, plans } = explainedConnection(db.schema)
 * await sql`select 1`
 * expect(plans.join('\n')).not.toMatch(/Seq Scan on rh_jobs/)
 */
export function explainedConnection(
  schema: string,
  options: { analyze?: boolean } = {},
): { sql: Sql; plans: string[] } {
  const plans: string[] = []
  const sql = postgres(postgresUrl, {
    max: 1,
    onnotice: (notice) => plans.push(notice.message ?? ''),
    connection: {
      search_path: schema,
      session_preload_libraries: 'auto_explain',
      'auto_explain.log_min_duration': '0',
      ...(options.analyze ? { 'auto_explain.log_analyze': 'on' } : {}),
      'auto_explain.log_level': 'notice',
      'auto_explain.log_nested_statements': 'on',
    },
  })
  return { sql, plans }
}

/**
 * A fresh schema for one test file; `drop()` removes it with everything in it.
 *
 * @example
 * const db = await testSchema()
 * afterAll(() => db.drop())
 */
export async function testSchema(): Promise<{ schema: string; sql: Sql; drop(): Promise<void> }> {
  const schema = `rh_test_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  const admin = postgres(postgresUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create schema "${schema}"`)
  const sql = connect(schema)
  return {
    schema,
    sql,
    async drop() {
      await sql.end({ timeout: 5 })
      await admin.unsafe(`drop schema if exists "${schema}" cascade`)
      await admin.end({ timeout: 5 })
    },
  }
}
