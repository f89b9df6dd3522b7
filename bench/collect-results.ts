import type { Resthooks } from '@rh/server'

/** What {@link collectResults} saw. */
export interface Collected {
  /** Results that count (`delivered`, or any outcome without a filter), dropped ones included. */
  counted: number
  /** Results that did not count. */
  other: number
  /** `false` when the deadline came first. */
  completed: boolean
  /** ms from the start until each quarter of `count` was reached (fewer when not completed). */
  quarters: number[]
}

/**
 * Reads `rh.results()` until `count` results have counted or `deadlineMs` has passed, whichever
 * comes first: a collapsed case reports how far it got instead of failing or hanging the run.
 * Results the stream dropped for a slow reader count (they are deliveries the receiver saw).
 *
 * @example
 * const seen = collectResults(rh, 20_000, 60_000)
 * await notifyMany(20_000, 64, notify)
 * const { counted, completed } = await seen
 */
export async function collectResults(
  rh: Resthooks,
  count: number,
  deadlineMs: number,
  counts: (outcome: string) => boolean = () => true,
): Promise<Collected> {
  const start = performance.now()
  const stream = rh.results()
  const iterator = stream[Symbol.asyncIterator]()
  const quarters: number[] = []
  let counted = 0
  let other = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), deadlineMs)
  })
  const total = () => counted + stream.dropped
  try {
    while (total() < count) {
      const next = await Promise.race([iterator.next(), late])
      if (next === 'late' || next.done) break
      if (counts(next.value.outcome)) counted++
      else other++
      while (quarters.length < 4 && total() >= (count * (quarters.length + 1)) / 4) {
        quarters.push(Math.round(performance.now() - start))
      }
    }
  } finally {
    clearTimeout(timer)
    void iterator.return?.()
  }
  return { counted: total(), other, completed: total() >= count, quarters }
}
