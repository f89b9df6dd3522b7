import type { Clock } from '../clock'
import type { DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'

/** After a queue error (database down), try claiming again after this long, in ms. */
const QUEUE_ERROR_DELAY = 1000

/** What {@link createClaimLoop} needs. */
export interface ClaimLoopOptions {
  queue: Pick<DeliveryQueue, 'claim' | 'nextDueAt'>
  clock: Clock
  /** How long a claim holds a job before another worker may claim it, in ms. */
  leaseMs: number
  /** Attempts in flight at once: the loop holds up to twice as many jobs. */
  globalLimit: number
  /** Jobs held now: claimed and not yet settled (being read, in flight, waiting for a slot). */
  held(): number
  /** Takes a claimed batch. */
  dispatch(jobs: DeliveryJob[]): void
}

/** The claim loop of one engine: see {@link createClaimLoop}. */
export interface ClaimLoop {
  /** Claiming (between `start` and `stop`). */
  readonly running: boolean
  /** Looks for due jobs now, if there is room for them (a notify, a finished attempt, the queue's wake-up). */
  wake(): void
  start(): void
  /** Stops claiming and cancels the sleep timer. */
  stop(): void
}

/**
 * Claims due jobs while there is room, then sleeps until the queue's next due time on the
 * injected clock, or until `wake()`. Jobs held stay under two global limits' worth: the second
 * half is claimed ahead, so a finishing attempt starts the next one at once, and the queue is
 * asked in batches (of at least half a limit) rather than per job. After a queue error it tries
 * again a second later; the jobs it held meanwhile are leased, so nothing is lost.
 *
 * @example
 * const loop = createClaimLoop({ queue, clock, leaseMs: 60_000, globalLimit: 64, held, dispatch })
 * loop.start()
 */
export function createClaimLoop(options: ClaimLoopOptions): ClaimLoop {
  const { queue, clock, leaseMs, held } = options
  const capacity = 2 * options.globalLimit
  const minBatch = Math.max(1, Math.floor(options.globalLimit / 2))
  let running = false
  let claiming = false
  let claimAgain = false
  let cancelTimer: (() => void) | null = null

  /** How many to claim now: none unless a slot is idle or a whole batch fits. */
  const wanted = () => {
    const holding = held()
    const room = capacity - holding
    return room >= minBatch || holding < options.globalLimit ? room : 0
  }

  function wake() {
    if (!running) return
    // The running loop looks again before it sleeps (no call, so no promise, per wake).
    if (claiming) claimAgain = true
    // Nothing to claim while enough is held; the next finishing attempt looks again.
    else if (wanted() > 0) void claimLoop()
  }

  async function claimLoop(): Promise<void> {
    claiming = true
    try {
      for (let spins = 0; running; spins++) {
        claimAgain = false
        const limit = wanted()
        // Full enough: a finishing attempt wakes us, so there is nothing to wait for.
        if (limit <= 0) break
        const jobs = await queue.claim(clock.now(), limit, leaseMs)
        if (jobs.length > 0) options.dispatch(jobs)
        if (jobs.length === limit) continue
        const due = await queue.nextDueAt()
        if (claimAgain) continue
        const delay = due === null ? null : due - clock.now()
        if (delay !== null && delay <= 0) {
          // Due now: claim again if a slot is free (a finishing attempt wakes us otherwise).
          if (wanted() > 0 && spins < 100) continue
          sleep(wanted() > 0 ? QUEUE_ERROR_DELAY : null)
        } else {
          sleep(delay)
        }
        break
      }
    } catch {
      if (running) sleep(QUEUE_ERROR_DELAY)
    } finally {
      claiming = false
    }
  }

  function sleep(ms: number | null) {
    cancelTimer?.()
    cancelTimer = null
    if (ms !== null && running) cancelTimer = clock.setTimer(wake, ms)
  }

  return {
    get running() {
      return running
    },
    wake,
    start() {
      if (running) return
      running = true
      wake()
    },
    stop() {
      running = false
      sleep(null)
    },
  }
}
