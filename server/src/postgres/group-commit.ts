/** A call waiting for its group: settled by the group's `commit`. */
export interface Waiter<R> {
  resolve: (result: R) => void
  reject: (error: unknown) => void
}

/** What a waiter resolves with. */
type ResultOf<W> = W extends Waiter<infer R> ? R : never

/**
 * One group on the wire at a time: calls made while a group is being committed wait and form
 * the next group. The PostgreSQL queue's writes and the store's delivery outcomes use it, so a
 * busy server sends one statement per round trip instead of one per call.
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
export function createGroupCommit<W extends Waiter<never>>(commit: (group: W[]) => Promise<void>) {
  let waiting: W[] = []
  let running: Promise<void> | null = null

  async function commitAll(): Promise<void> {
    try {
      while (waiting.length > 0) {
        const group = waiting
        waiting = []
        await commit(group).catch((error: unknown) => {
          for (const waiter of group) waiter.reject(error)
        })
      }
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
      running ??= Promise.resolve().then(commitAll)
    },
    /** Resolves once every call added so far has been settled. */
    async drain(): Promise<void> {
      while (running) await running
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
