import type { Sql } from 'postgres'
import { ResthooksError } from '../errors'
import type { NotifyTransaction, SqlExecutor } from '../queue/delivery-queue'

/**
 * A statement of {@link executorSql}: run when awaited; inlined, with its parameters, when it is
 * a value of another statement (as the `postgres` driver's fragments are).
 */
class ExecutorQuery implements PromiseLike<Record<string, unknown>[]> {
  constructor(
    private readonly executor: SqlExecutor,
    private readonly strings: TemplateStringsArray,
    private readonly values: readonly unknown[],
  ) {}

  /** This statement's text from parameter `$${params.length + 1}` on; its values join `params`. */
  textWith(params: unknown[]): string {
    let text = this.strings[0] ?? ''
    this.values.forEach((value, i) => {
      if (value instanceof ExecutorQuery) text += value.textWith(params)
      else {
        params.push(value)
        text += `$${params.length}`
      }
      text += this.strings[i + 1] ?? ''
    })
    return text
  }

  // biome-ignore lint/suspicious/noThenProperty: a statement is run by awaiting it, as in `postgres`.
  then<A = Record<string, unknown>[], B = never>(
    onFulfilled?: ((rows: Record<string, unknown>[]) => A | PromiseLike<A>) | null,
    onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): PromiseLike<A | B> {
    const params: unknown[] = []
    const text = this.textWith(params)
    return this.executor
      .query(text, params)
      .then((result) => result.rows)
      .then(onFulfilled, onRejected)
  }
}

/**
 * The `postgres` driver's tagged-template call over a {@link SqlExecutor}: `` sql`… ${value} …` ``
 * becomes `query('… $1 …', [value])`, and a nested statement is inlined. Only that call is
 * provided (no helpers such as `sql(rows)`): it is all the queue's writes use, so one SQL text
 * serves both drivers.
 *
 * @example
 * const sql = executorSql(client) // a node-postgres client inside BEGIN
 * const rows = await sql`select id from rh_messages where owner = ${'acme'}`
 */
export function executorSql(executor: SqlExecutor): Sql {
  const tag = (strings: TemplateStringsArray, ...values: unknown[]) =>
    new ExecutorQuery(executor, strings, values)
  // Typed as the driver's `Sql` for the queue's writes, which only make tagged-template calls.
  return tag as unknown as Sql
}

/**
 * The caller's open transaction as a tagged-template `Sql`: the `postgres` driver's `tx` of
 * `sql.begin((tx) => …)` as it is, a {@link SqlExecutor} (node-postgres, Drizzle, Kysely) through
 * {@link executorSql}. The driver's root `sql` is refused: each of its statements would commit
 * alone, outside the caller's transaction.
 *
 * @example
 * await sql.begin((tx) => insertJobsNow(transactionSql(tx), 'rh_wake', jobs, message))
 */
export function transactionSql(tx: NotifyTransaction): Sql {
  if (typeof tx === 'function') {
    // A transaction of the `postgres` driver has `savepoint`; its root `sql` (a pool) has not.
    if (typeof (tx as { savepoint?: unknown }).savepoint === 'function') return tx as Sql
    throw new ResthooksError(
      'invalid_request',
      'tx must be the transaction of sql.begin((tx) => …), not sql itself (its statements would commit alone)',
    )
  }
  if (typeof (tx as { query?: unknown }).query === 'function') {
    return executorSql(tx as SqlExecutor)
  }
  throw new ResthooksError(
    'invalid_request',
    'tx must be a transaction of the postgres driver or have query(text, params) (node-postgres, Drizzle, Kysely)',
  )
}
