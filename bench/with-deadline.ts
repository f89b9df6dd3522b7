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
