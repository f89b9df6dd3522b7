import type { Sql } from 'postgres'

/** Dead rows left by the queue's own writes in one table between two vacuums, by default. */
export const DEFAULT_VACUUM_EVERY = 20_000

/**
 * Dead rows before the first vacuum of a table, when `every` is larger. A cached plan of the
 * queue's statements is made for the table as it was (a sequential scan of a table of a few
 * rows) and kept until a vacuum or analyze of it: the first one comes early, while the table is
 * still small, so the plans are made again for a table of its real size.
 */
export const FIRST_VACUUM_AFTER = 1_000

/** The tables the queue leaves dead rows in. */
export type QueueTable = 'rh_jobs' | 'rh_messages' | 'rh_attempts'

/** Keeps the queue's tables from bloating: see {@link createQueueVacuum}. */
export interface QueueVacuum {
  /**
   * The queue's writes left `rows` dead rows in `table` (default `rh_jobs`: each claim,
   * completion, put-back, cancel, redelivery; the prune's deletes in every table).
   */
  count(rows: number, table?: QueueTable): void
  /** Waits for a vacuum in progress. */
  drain(): Promise<void>
}

/**
 * Vacuums a table of the queue after every `every` dead rows the queue's own writes left in it
 * (the first time after {@link FIRST_VACUUM_AFTER} at most), when the server's autovacuum is off (for the table or for the server; checked once per
 * table). A job queue turns over its rows constantly: every delivery leaves two dead rows in
 * `rh_jobs` (the claim's update and the completion's), and without vacuum the table and its
 * indexes grow without bound, so claims and `nextDueAt` slow down round by round; pruning the
 * message log leaves dead rows in `rh_messages`, `rh_jobs` and `rh_attempts`. With autovacuum
 * on, this does nothing. A vacuum runs beside the queue's work (it takes no lock that claims or
 * writes wait on); one runs at a time per queue, then each other table that crossed its
 * threshold meanwhile (so the busiest table never starves the others), and a failure only
 * skips that round.
 *
 * @example
 * const vacuum = createQueueVacuum(sql, 20_000)
 * vacuum.count(claimed.length)
 * vacuum.count(pruned.messages, 'rh_messages')
 */
export function createQueueVacuum(sql: Sql, every: number): QueueVacuum {
  const dead = new Map<QueueTable, number>()
  const needed = new Map<QueueTable, Promise<boolean>>()
  /** Each table's row count (PostgreSQL's estimate) when this queue last analyzed it. */
  const analyzedAt = new Map<QueueTable, number>()
  /** Tables whose first vacuum (see {@link FIRST_VACUUM_AFTER}) has been taken. */
  const looked = new Set<QueueTable>()
  let running: Promise<void> | null = null

  const autovacuumOff = async (table: QueueTable) => {
    const [row] = await sql`
      select current_setting('autovacuum') = 'off'
        or coalesce(
          (select 'autovacuum_enabled=false' = any(reloptions) from pg_class
           where oid = to_regclass(${table})),
          false) as off`
    return row?.off === true
  }

  /** The table (not one of `skip`) with the most dead rows past the threshold, taking its count. */
  const takeDue = (skip?: ReadonlySet<QueueTable>): QueueTable | null => {
    let due: QueueTable | null = null
    for (const [table, rows] of dead) {
      const threshold = looked.has(table) ? every : Math.min(every, FIRST_VACUUM_AFTER)
      if (skip?.has(table) || rows < threshold) continue
      if (due === null || rows > (dead.get(due) ?? 0)) due = table
    }
    if (due) {
      dead.set(due, 0)
      looked.add(due)
    }
    return due
  }

  const vacuum = async (table: QueueTable) => {
    try {
      const off = needed.get(table) ?? autovacuumOff(table)
      needed.set(table, off)
      if (!(await off)) return
      // With autovacuum off nothing analyzes either: without statistics the planner takes a
      // 300,000-row table for an empty one. Analyzed at the first vacuum and again once the
      // table has doubled or halved since: every vacuum keeps the row count the planner scales
      // by, and an analyze (a 30,000-row sample) cost more than the vacuum itself.
      const [row] = await sql`
        select greatest(reltuples, 0)::float8 as rows from pg_class where oid = to_regclass(${table})`
      const rows = Number(row?.rows ?? 0)
      const last = analyzedAt.get(table)
      const analyze = last === undefined || rows > 2 * last || rows < last / 2
      // The table's name is one of three constants, never input.
      await sql.unsafe(`vacuum ${analyze ? 'analyze ' : ''}${table}`)
      if (analyze) analyzedAt.set(table, rows)
    } catch {
      needed.delete(table) // look again next time (a connection lost meanwhile, say)
    }
  }

  /** Vacuums `first`, then each other table that became due meanwhile, once. */
  const run = async (first: QueueTable) => {
    try {
      const done = new Set<QueueTable>()
      for (let table: QueueTable | null = first; table; table = takeDue(done)) {
        done.add(table)
        await vacuum(table)
      }
    } finally {
      running = null
    }
  }

  return {
    count(rows, table = 'rh_jobs') {
      if (every <= 0 || rows <= 0) return
      dead.set(table, (dead.get(table) ?? 0) + rows)
      if (running) return
      const due = takeDue()
      if (due) running = run(due)
    },
    async drain() {
      while (running) await running
    },
  }
}
