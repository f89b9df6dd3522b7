import type { Clock } from '../clock'

/** What a deadline stops when it passes: an `AbortController`, typically. */
export interface Abortable {
  abort(): void
}

/** A deadline being watched; hand it to `cancel` when the work finished in time. */
export interface Deadline {
  readonly at: number
}

/** Deadlines that all last the same time, on one timer. */
export interface Deadlines {
  /**
   * Calls `target.abort()` once `ms` (the fixed duration) has passed on the clock since `now`
   * (default: the clock's now), unless cancelled.
   */
  start(target: Abortable, now?: number): Deadline
  /** Stops watching a deadline (the work finished in time); again is harmless. */
  cancel(deadline: Deadline): void
  /** Deadlines still watched. */
  readonly size: number
}

interface Entry extends Deadline {
  target: Abortable
}

/**
 * Deadlines of one fixed duration on ONE timer of the injected clock, instead of a timer per
 * attempt. Since every deadline lasts `ms`, they expire in the order they started: the watched
 * set is kept in start order, the timer is armed for the oldest, and when it fires every expired
 * one is aborted and the timer is armed for the next. Finishing in time costs a `Set` delete,
 * and a deadline is one small object (no closures per attempt).
 *
 * @example
 * const deadlines = createDeadlines(systemClock, 10_000)
 * const controller = new AbortController()
 * const deadline = deadlines.start(controller)
 * await work(controller.signal)
 * deadlines.cancel(deadline)
 */
export function createDeadlines(clock: Clock, ms: number): Deadlines {
  const watched = new Set<Entry>()
  let cancelTimer: (() => void) | null = null
  let armedAt = Number.POSITIVE_INFINITY

  function arm() {
    const oldest = watched.values().next().value
    if (!oldest) {
      cancelTimer?.()
      cancelTimer = null
      armedAt = Number.POSITIVE_INFINITY
      return
    }
    if (cancelTimer && armedAt <= oldest.at) return // fires in time; re-checks then
    cancelTimer?.()
    armedAt = oldest.at
    cancelTimer = clock.setTimer(fire, Math.max(0, oldest.at - clock.now()))
  }

  function fire() {
    cancelTimer = null
    armedAt = Number.POSITIVE_INFINITY
    const now = clock.now()
    for (const entry of watched) {
      if (entry.at > now) break
      watched.delete(entry)
      entry.target.abort()
    }
    arm()
  }

  return {
    start(target, now = clock.now()) {
      const entry: Entry = { at: now + ms, target }
      watched.add(entry)
      if (!cancelTimer) arm()
      return entry
    },
    cancel(deadline) {
      if (watched.delete(deadline as Entry) && watched.size === 0) arm()
    },
    get size() {
      return watched.size
    },
  }
}
