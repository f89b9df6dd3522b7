/**
 * Time as the engine sees it, injected so tests run a 45 s retry schedule in milliseconds.
 * `setTimer` returns a cancel function.
 */
export interface Clock {
  now(): number
  setTimer(callback: () => void, ms: number): () => void
}

/** The real clock: `Date.now` and `setTimeout`. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(callback, ms) {
    const timer = setTimeout(callback, ms)
    return () => clearTimeout(timer)
  },
}
