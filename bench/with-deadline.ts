/**
 * Calls `notify` `count` times with `concurrency` calls at once, as an app serving that many
 * requests would.
 *
 * @example
 * await notifyMany(1000, 64, () => rh.notify('acme', 'invoice.paid', data))
 */
export async function notifyMany(
  count: number,
  concurrency: number,
  notify: () => Promise<unknown>,
): Promise<void> {
  let started = 0
  const producer = async () => {
    while (started < count) {
      started++
      await notify()
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, producer))
}

/**
 * `work`, or a rejection naming `name` after `ms`: a broken run fails instead of hanging.
 *
 * @example
 * await withDeadline(settled, 'rh (memory)', 60_000)
 */
export async function withDeadline<T>(work: Promise<T>, name: string, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name}: not done after ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Runs `work`, then each clean-up step in order, each bounded by `ms`: a close that hangs fails
 * the run with its name instead of hanging it. When `work` failed, its error is the one thrown
 * and a clean-up failure after it is printed, not lost.
 *
 * @example
 * return withCleanUp(() => measure(rh), [['rh close', () => rh.close()]])
 */
export async function withCleanUp<T>(
  work: () => Promise<T>,
  steps: ReadonlyArray<readonly [name: string, step: () => Promise<unknown>]>,
  ms = 15_000,
): Promise<T> {
  let failure: { error: unknown } | null = null
  let result: T | undefined
  try {
    result = await work()
  } catch (error) {
    failure = { error }
  }
  for (const [name, step] of steps) {
    try {
      await withDeadline(step(), name, ms)
    } catch (error) {
      if (!failure) failure = { error }
      else console.error(`${name} failed after the run failed:`, error)
    }
  }
  if (failure) throw failure.error
  return result as T
}
