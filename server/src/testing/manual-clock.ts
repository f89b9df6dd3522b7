import type { Clock } from '../clock'

/** A {@link Clock} whose time moves only when a test says so. */
export interface ManualClock extends Clock {
  /**
   * Moves time forward by `ms`, firing every timer that falls due on the way, earliest first
   * (timers they set are fired too when due in the window), and lets each one's async work run
   * a macrotask before the next.
   */
  advance(ms: number): Promise<void>
  /** Number of timers waiting to fire. */
  pending(): number
}

interface Timer {
  at: number
  seq: number
  callback: () => void
}

/**
 * A manual clock for tests: `now()` starts at `start` and moves only with `advance(ms)`, so a
 * 45 s retry schedule runs in milliseconds with no sleeps. A timer of 0 ms or less fires on the
 * next macrotask, as with a real clock, so work that is due now never waits for `advance`.
 *
 * @example
 * import { manualClock } from '@rh/server/testing'
 *
 * const clock = manualClock(Date.parse('2025-01-31T12:00:00Z'))
 * const rh = createResthooks({ clock, authenticate })
 * await clock.advance(5_000) // the first retry is attempted now
 */
export function manualClock(start = 0): ManualClock {
  let now = start
  let seq = 0
  const timers = new Set<Timer>()
  return {
    now: () => now,
    setTimer(callback, ms) {
      if (!(ms > 0)) {
        const handle = setTimeout(callback, 0)
        return () => clearTimeout(handle)
      }
      const timer = { at: now + ms, seq: seq++, callback }
      timers.add(timer)
      return () => {
        timers.delete(timer)
      }
    },
    async advance(ms) {
      const target = now + ms
      for (;;) {
        let due: Timer | undefined
        for (const timer of timers) {
          if (timer.at > target) continue
          if (!due || timer.at < due.at || (timer.at === due.at && timer.seq < due.seq)) due = timer
        }
        if (!due) break
        timers.delete(due)
        now = due.at
        due.callback()
        await new Promise((resolve) => setTimeout(resolve, 0))
      }
      now = target
    },
    pending: () => timers.size,
  }
}
