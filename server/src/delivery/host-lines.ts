import type { Dispatch } from './flight'

/**
 * How far ahead a saturated host's put-back jobs may be due, in ms: `min` at first for a host
 * never seen to answer (its jobs come back a few times, each time twice as late, until it has a
 * pace), at least two lines' wait (2 x `LINE_WAIT_MS`) once its pace is known; doubling up to
 * `max` while the host stays saturated, and back to the first once it has caught up (its line
 * is empty and every job it put back is due). Within that horizon the jobs are booked at the
 * host's pace, one slot's time apart after its line would have drained, so each comes back about
 * when the host can take it: a slow host's backlog costs about one queue write per job and
 * horizon, not one per job every few milliseconds.
 */
export const HOST_BUSY_DELAY = { min: 250, max: 30_000 }

/**
 * How long a job may expect to wait in its host's line, in ms. A host's line holds what the
 * host answers in this time at its measured pace (`perHost` attempts, each taking the host's
 * recent average, or once its oldest attempt in flight has run longer than this, that long),
 * at least `perHost` jobs: a fast receiver's overflow waits in memory, leased, with no queue write,
 * while a slow or hanging one's goes back to the queue, so it cannot fill the memory that the
 * other hosts' jobs need. Far below any lease, so a job never outlives its lease in a line.
 */
export const LINE_WAIT_MS = 1000

/**
 * Hosts whose pace, and whose saturation, are remembered before the idle or caught-up ones are
 * forgotten: a bound like the engine's other per-target memos.
 */
const REMEMBERED_HOSTS = 10_000

/** What {@link HostLines.admit} decided for a job. */
export type Admission =
  /** A slot is taken for it: start the attempt now. */
  | 'start'
  /** It waits in its host's line, in memory, for a slot. */
  | 'wait'
  /** Its host's line is full: it was handed to `putBack`. */
  | 'put-back'

/** Options of {@link HostLines}. */
export interface HostLinesOptions {
  /** Attempts in flight at once, in all. */
  global: number
  /** Attempts in flight at once to one host. */
  perHost: number
  /** Takes a job back to the queue, due at `until` (a line was full, or shrank). */
  putBack(dispatch: Dispatch, until: number): void
  /** Default {@link HOST_BUSY_DELAY}. */
  backOff?: { min: number; max: number }
  /** Default {@link LINE_WAIT_MS}. */
  lineWaitMs?: number
}

/** A host's pace: how long its attempts take. */
interface Pace {
  /** Moving average of its attempts' durations, in ms; `null` before the first one ended. */
  average: number | null
  /** When its attempts in flight started, oldest first. */
  starts: number[]
}

/**
 * The attempt slots of one engine, per target host: at most `global` attempts in flight, at most
 * `perHost` to one host, and per host a line of claimed jobs waiting in memory for a slot, as
 * long as the host's pace empties it within {@link LINE_WAIT_MS} (see there). Hosts take turns
 * for freed slots, so a slow receiver never holds the slots other hosts need; a job beyond its
 * host's line goes back to the queue, booked at the host's pace within a horizon that grows while
 * the host stays saturated (see {@link HOST_BUSY_DELAY}).
 *
 * @example
 * const lines = new HostLines({ global: 64, perHost: 8, putBack })
 * if (lines.admit(dispatch, clock.now()) === 'start') send(dispatch)
 * // when an attempt ends, its slot goes to the next waiting job:
 * lines.release(dispatch, clock.now(), send)
 */
export class HostLines {
  private readonly active = new Map<string, number>()
  private readonly lines = new Map<string, Dispatch[]>()
  private readonly paces = new Map<string, Pace>()
  /** Saturated hosts: how far ahead their put-back jobs may be booked, and what is booked. */
  private readonly busy = new Map<string, Saturation>()
  private readonly backOff: { min: number; max: number }
  private readonly lineWaitMs: number
  private inFlightCount = 0
  private waitingCount = 0

  constructor(private readonly options: HostLinesOptions) {
    this.backOff = options.backOff ?? HOST_BUSY_DELAY
    this.lineWaitMs = options.lineWaitMs ?? LINE_WAIT_MS
  }

  /** Attempts holding a slot. */
  get inFlight(): number {
    return this.inFlightCount
  }

  /** Jobs waiting in the lines. */
  get waiting(): number {
    return this.waitingCount
  }

  /** Attempts holding a slot of `host`. */
  activeOn(host: string): number {
    return this.active.get(host) ?? 0
  }

  /** How many jobs `host`'s line may hold now (see {@link LINE_WAIT_MS}). */
  lineLimit(host: string, now: number): number {
    const { perHost } = this.options
    const took = this.attemptTime(host, now)
    // Never seen to answer: no more than `perHost` wait until it has.
    if (took === null) return perHost
    if (took <= 0) return Number.POSITIVE_INFINITY
    return Math.max(perHost, Math.floor((perHost * this.lineWaitMs) / took))
  }

  /**
   * How long an attempt to `host` takes, in ms, as far as is known at `now`: its recent average,
   * or the age of its oldest attempt in flight once that has run longer than the line's wait (a
   * host that hangs; a younger one says nothing yet, as a busy event loop makes every attempt
   * look slow for a moment). `null` for a host never seen to answer.
   */
  private attemptTime(host: string, now: number): number | null {
    const pace = this.paces.get(host)
    if (!pace || pace.average === null) return null
    const oldest = pace.starts[0]
    const hanging = oldest === undefined ? 0 : now - oldest
    return hanging >= this.lineWaitMs ? Math.max(pace.average, hanging) : pace.average
  }

  /** Takes a slot for the job, or puts it in its host's line, or hands it to `putBack`. */
  admit(dispatch: Dispatch, now: number): Admission {
    const { perHost, global } = this.options
    const host = dispatch.target.host
    const active = this.active.get(host) ?? 0
    const line = this.lines.get(host)
    if (active < perHost && this.inFlightCount < global && !line) {
      this.take(dispatch, active, now)
      return 'start'
    }
    const length = line?.length ?? 0
    // Waiting for its host (a line as long as the host empties soon) or for a global slot.
    if (length < this.lineLimit(host, now) || (active < perHost && length < global)) {
      if (line) line.push(dispatch)
      else this.lines.set(host, [dispatch])
      this.waitingCount++
      return 'wait'
    }
    this.options.putBack(dispatch, this.bookPutBack(host, now))
    return 'put-back'
  }

  /**
   * Gives back the slot of an attempt that ended at `now`, learns its host's pace from it, and
   * hands free slots to waiting jobs through `start` (`null` while the engine is closing:
   * nothing more starts).
   */
  release(dispatch: Dispatch, now: number, start: ((dispatch: Dispatch) => void) | null): void {
    const host = dispatch.target.host
    this.inFlightCount--
    const active = (this.active.get(host) ?? 1) - 1
    if (active === 0) this.active.delete(host)
    else this.active.set(host, active)
    const pace = this.paces.get(host)
    const startedAt = dispatch.slotAt
    if (pace && startedAt !== undefined) {
      const at = pace.starts.indexOf(startedAt)
      if (at !== -1) pace.starts.splice(at, 1)
      const took = now - startedAt
      pace.average = pace.average === null ? took : pace.average + (took - pace.average) / 8
    }
    if (start) this.startWaiting(start, now)
    // Its line has emptied and what it put back is due: it has caught up, its next overflow
    // waits the least again.
    if (this.busy.size > 0 && !this.lines.has(host)) {
      const saturation = this.busy.get(host)
      if (saturation && now >= saturation.booked) this.busy.delete(host)
    }
  }

  /**
   * Puts back the jobs beyond each line's limit now, booked in line order (a host that has slowed
   * down or hangs gives back what it would not send soon). Returns how many went back.
   */
  trim(now: number): number {
    let trimmed = 0
    for (const [host, line] of this.lines) {
      const limit = this.lineLimit(host, now)
      if (line.length <= limit) continue
      const excess = line.splice(limit)
      this.waitingCount -= excess.length
      trimmed += excess.length
      for (const dispatch of excess) this.options.putBack(dispatch, this.bookPutBack(host, now))
    }
    return trimmed
  }

  /**
   * Starts waiting jobs while global slots are free, taking a slot for each: hosts take turns (a
   * host that started one goes to the back), and a host at its `perHost` limit is skipped.
   */
  private startWaiting(start: (dispatch: Dispatch) => void, now: number): void {
    for (let progress = true; progress && this.waitingCount > 0; ) {
      progress = false
      for (const [host, line] of this.lines) {
        if (this.inFlightCount >= this.options.global) return
        const active = this.active.get(host) ?? 0
        if (active >= this.options.perHost) continue
        const next = line.shift() as Dispatch
        this.waitingCount--
        // To the back of the turn order (a lone host needs no move; the outer loop revisits it).
        if (line.length === 0) this.lines.delete(host)
        else if (this.lines.size > 1) {
          this.lines.delete(host)
          this.lines.set(host, line)
        }
        this.take(next, active, now)
        start(next)
        progress = true
      }
    }
  }

  /** Drops the waiting jobs of a subscription; returns them. */
  cancel(subscriptionId: string): Dispatch[] {
    const dropped: Dispatch[] = []
    for (const [host, line] of this.lines) {
      const kept = line.filter((entry) => {
        if (entry.job.subscription_id !== subscriptionId) return true
        dropped.push(entry)
        return false
      })
      if (kept.length === 0) this.lines.delete(host)
      else this.lines.set(host, kept)
    }
    this.waitingCount -= dropped.length
    return dropped
  }

  /** Empties every line (the engine is closing); returns what waited. */
  drain(): Dispatch[] {
    const all = [...this.lines.values()].flat()
    this.lines.clear()
    this.waitingCount = 0
    return all
  }

  /** Takes a slot of its host for `dispatch`, from `now`. */
  private take(dispatch: Dispatch, active: number, now: number) {
    const host = dispatch.target.host
    dispatch.slotAt = now
    this.active.set(host, active + 1)
    this.inFlightCount++
    let pace = this.paces.get(host)
    if (!pace) {
      // Hosts seen are remembered up to a bound, as the engine's other per-target memos.
      if (this.paces.size >= REMEMBERED_HOSTS) this.forgetIdlePaces()
      pace = { average: null, starts: [] }
      this.paces.set(host, pace)
    }
    pace.starts.push(now)
  }

  private forgetCaughtUp(now: number) {
    for (const [host, saturation] of this.busy) {
      if (now >= saturation.booked && !this.lines.has(host)) this.busy.delete(host)
    }
  }

  private forgetIdlePaces() {
    for (const [host, pace] of this.paces) if (pace.starts.length === 0) this.paces.delete(host)
  }

  /**
   * When a job that `host` cannot take now is due again: one slot's time (its attempt time over
   * `perHost`) after the last one booked, and no sooner than its line would have drained, so the
   * host's put-back jobs come back at its pace; at the end of the horizon when that is further
   * (or the pace is not known yet). The horizon doubles each time it ends with the host still
   * saturated (see {@link HOST_BUSY_DELAY}).
   */
  private bookPutBack(host: string, now: number): number {
    const took = this.attemptTime(host, now)
    // A host whose pace is known is booked by it at least two lines' wait ahead (its line alone
    // may take one to drain).
    const least = took === null ? this.backOff.min : 2 * this.lineWaitMs
    const horizonOf = (ms: number) =>
      Math.min(Math.max(ms, least, this.backOff.min), this.backOff.max)
    let saturation = this.busy.get(host)
    if (!saturation) {
      // Remembered up to a bound, as the paces: a host whose jobs were cancelled never releases.
      if (this.busy.size >= REMEMBERED_HOSTS) this.forgetCaughtUp(now)
      const horizon = horizonOf(least)
      saturation = { horizon, until: now + horizon, booked: now }
      this.busy.set(host, saturation)
    } else if (now >= saturation.until) {
      saturation.horizon = horizonOf(2 * saturation.horizon)
      saturation.until = now + saturation.horizon
    }
    let at = saturation.until
    if (took !== null) {
      const slot = took / this.options.perHost
      const drained = now + (this.lines.get(host)?.length ?? 0) * slot
      const next = Math.max(saturation.booked + slot, drained, now + this.backOff.min)
      at = Math.min(Math.ceil(next), saturation.until)
    }
    saturation.booked = Math.max(saturation.booked, at)
    return at
  }
}

/** A saturated host: how far ahead its put-back jobs may be due, and what is booked. */
interface Saturation {
  /** The current horizon's length, in ms (see {@link HOST_BUSY_DELAY}). */
  horizon: number
  /** The end of the current horizon: no put-back job is due later. */
  until: number
  /** When the last job put back is due, in ms. */
  booked: number
}
