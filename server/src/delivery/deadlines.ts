import type { Clock } from '../clock'

/** A deadline being watched; `cancel` it when the work finished in time. */
export interface Deadline {
  cancel(): void
}

/** Deadlines that all last the same time, on one timer. */
export interface Deadlines {
  /** Calls `expire` once `ms` (the fixed duration) has passed on the clock, unless cancelled. */
  start(expire: () => void): Deadline
  /** Deadlines still watched. */
  readonly size: number
}

interface Entry extends Deadline {
  at: number
  expire: () => void
}

/**
 * Deadlines of one fixed duration on ONE timer of the injected clock, instead of a timer per
 * attempt. Since every deadline lasts `ms`, they expire in the order they started: the watched
 * set is kept in start order, the timer is armed for the oldest, and when it fires every expired
 * one is called and the timer is armed for the next. Finishing in time costs a `Set` delete.
 *
 * @example
 * const deadlines = createDeadlines(systemClock, 10_000)
 * const deadline = deadlines.start(() => controller.abort())
 * await work(controller.signal)
 * deadline.cancel()
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
      entry.expire()
    }
    arm()
  }

  return {
    start(expire) {
      const entry: Entry = {
        at: clock.now() + ms,
        expire,
        cancel() {
          if (watched.delete(entry) && watched.size === 0) arm()
        },
      }
      watched.add(entry)
      if (!cancelTimer) arm()
      return entry
    },
    get size() {
      return watched.size
    },
  }
}
