/** A call waiting for its group: settled by the group's `commit`. */
export interface Waiter<R> {
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/** What a waiter resolves with. */
type ResultOf<W> = W extends Waiter<infer R> ? R : never

/** Options of {@link createGroupCommit}. */
export interface GroupCommitOptions {
  /**
   * Starts `next` later; a group is taken when it runs, so every call made before that joins it.
   * Default: the next microtask (calls made in one synchronous run go together). SQLite passes
   * `setImmediate`, so the writes of one round of I/O callbacks share one commit.
   */
  schedule?: (next: () => void) => void
}

const microtask = (next: () => void) => void Promise.resolve().then(next)

/**
 * One group on the wire at a time: calls made while a group is being committed wait and form
 * the next group. Both durable queues' writes and the PostgreSQL store's delivery outcomes use
 * it, so a busy server sends one statement (or one transaction) per round trip instead of one
 * per call.
 *
 * `commit` settles every waiter of its group (a failing statement is the waiters' error, not
 * `commit`'s); should it throw anyway, the group's waiters that are still waiting get the error.
 *
 * @example
 * const group = createGroupCommit(async (batch: Pending[]) => {
 *   await sql`...one statement for the whole batch...`
 *   for (const pending of batch) pending.resolve()
 * })
 * await new Promise<void>((resolve, reject) => group.add({ ...write, resolve, reject }))
 */
export function createGroupCommit<W extends Waiter<never>>(
  commit: (group: W[]) => Promise<void>,
  options: GroupCommitOptions = {},
) {
  const schedule = options.schedule ?? microtask
  let waiting: W[] = []
  let running: Promise<void> | null = null
  const turn = () => new Promise<void>((resolve) => schedule(resolve))

  async function commitAll(): Promise<void> {
    try {
      do {
        await turn()
        const group = waiting
        waiting = []
        if (group.length === 0) continue
        await commit(group).catch((error: unknown) => {
          for (const waiter of group) waiter.reject(error)
        })
      } while (waiting.length > 0)
    } finally {
      // In the same tick as the last look at `waiting`: a call that still finds `running` set
      // is sure to be seen by the loop above. (Cleared after an `await` in a caller instead, a
      // call made in between was left waiting forever.)
      running = null
    }
  }

  return {
    /** Queues `waiter`; it is settled once the group it joins has committed. */
    add(waiter: W): void {
      waiting.push(waiter)
      running ??= commitAll()
    },
    /** Resolves once every call added so far has been settled. */
    async drain(): Promise<void> {
      while (running) await running
    },
    /**
     * Takes the calls waiting for the next group, for a caller that commits them itself, now
     * (a SQLite read commits what waits before it reads). Only for a `commit` that never awaits
     * between taking its group and writing it, or a group on the wire could be overtaken.
     */
    take(): W[] {
      const group = waiting
      waiting = []
      return group
    },
  }
}

/**
 * Commits `waiters` in one statement and resolves them all with its result; if it fails, each
 * is committed alone, so only a faulty call rejects (one bad row never fails its neighbours).
 *
 * @example
 * await commitOrEachAlone(resets, async (some) => { await resetAll(sql, some); return false })
 */
export async function commitOrEachAlone<W extends Waiter<never>>(
  waiters: readonly W[],
  commit: (some: readonly W[]) => Promise<ResultOf<W>>,
): Promise<void> {
  if (waiters.length === 0) return
  // `W` is only known to take some result: it takes the one `commit` returns for it.
  const resolve = (waiter: W) => waiter.resolve as (result: ResultOf<W>) => void
  let result: ResultOf<W>
  try {
    result = await commit(waiters)
  } catch (error) {
    if (waiters.length === 1) {
      waiters[0]?.reject(error)
      return
    }
    for (const waiter of waiters) await commit([waiter]).then(resolve(waiter), waiter.reject)
    return
  }
  for (const waiter of waiters) resolve(waiter)(result)
}
