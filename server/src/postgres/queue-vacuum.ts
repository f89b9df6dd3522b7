import type { Sql } from 'postgres'

/** Dead rows left by the queue's own writes between two vacuums, by default. */
export const DEFAULT_VACUUM_EVERY = 20_000

/** Keeps the queue table from bloating: see {@link createQueueVacuum}. */
export interface QueueVacuum {
  /** The queue's writes left `rows` dead rows in `rh_jobs` (each claim, completion, put-back). */
  count(rows: number): void
  /** Waits for a vacuum in progress. */
  drain(): Promise<void>
}

/**
 * Vacuums `rh_jobs` after every `every` dead rows the queue's own writes left behind, when the
 * server's autovacuum is off (for the table or for the server; checked once). A job queue turns
 * over its whole table constantly: every delivery leaves two dead rows (the claim's update and
 * the completion's delete), and without vacuum the table and its `available_at` index grow
 * without bound, so claims and `nextDueAt` slow down round by round. With autovacuum on, this
 * does nothing. A vacuum runs beside the queue's work (it takes no lock that claims or writes
 * wait on); one runs at a time per queue, and a failure only skips that round.
 *
 * @example
 * const vacuum = createQueueVacuum(sql, 20_000)
 * vacuum.count(claimed.length)
 */
export function createQueueVacuum(sql: Sql, every: number): QueueVacuum {
  let dead = 0
  let running: Promise<void> | null = null
  let needed: Promise<boolean> | null = null

  const autovacuumOff = async () => {
    const [row] = await sql`
      select current_setting('autovacuum') = 'off'
        or coalesce(
          (select 'autovacuum_enabled=false' = any(reloptions) from pg_class
           where oid = to_regclass('rh_jobs')),
          false) as off`
    return row?.off === true
  }

  const run = async () => {
    try {
      needed ??= autovacuumOff()
      if (await needed) await sql`vacuum rh_jobs`
    } catch {
      needed = null // look again next time (a connection lost meanwhile, say)
    } finally {
      running = null
    }
  }

  return {
    count(rows) {
      if (every <= 0) return
      dead += rows
      if (dead < every || running) return
      dead = 0
      running = run()
    },
    async drain() {
      await running
    },
  }
}
