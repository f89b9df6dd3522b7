import type { Clock } from '../../clock'

/** A {@link Clock} that moves only when told to. */
export interface ManualClock extends Clock {
  /** Moves time forward, firing due timers in order and letting their async work start. */
  advance(ms: number): Promise<void>
  /** Timers waiting to fire. */
  pending(): number
}

interface Timer {
  at: number
  callback: () => void
}

/**
 * A manual clock for tests (until `@rh/server/testing` ships one). A timer of 0 ms or less fires
 * on the next macrotask, as with a real clock, so "due now" work never waits for `advance`.
 *
 * @example
 * const clock = manualClock(Date.now())
 * await clock.advance(5000) // the 5 s retry fires now
 */
export function manualClock(start = 0): ManualClock {
  let now = start
  const timers = new Set<Timer>()
  return {
    now: () => now,
    setTimer(callback, ms) {
      if (ms <= 0) {
        const handle = setTimeout(callback, 0)
        return () => clearTimeout(handle)
      }
      const timer = { at: now + ms, callback }
      timers.add(timer)
      return () => {
        timers.delete(timer)
      }
    },
    async advance(ms) {
      const target = now + ms
      for (;;) {
        let due: Timer | undefined
        for (const timer of timers)
          if (timer.at <= target && (!due || timer.at < due.at)) due = timer
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
