import type { BenchPayload } from '../payload'

/** A job the peers carry: which receiver URL to post to. */
export interface PeerJob {
  target: number
}

/** What a peer needs to run: where to post, what, and how many at once. */
export interface PeerContext {
  urls: string[]
  payload: BenchPayload
  /** Jobs in flight at once (worker concurrency). */
  concurrency: number
  /** Posts one signed delivery; the peer's worker calls it for each job. */
  send(job: PeerJob): Promise<void>
  /** Counts a finished job (the peer calls it from its completion hook or handler). */
  done(): void
  /** Resolves once `count` more jobs are done. */
  until(count: number): Promise<void>
}

/** A queue library that users would pick instead of rh, set up as its docs advise for throughput. */
export interface Peer {
  name: string
  /** The rh storage class it is compared with: `memory`, or `durable` (SQLite, PostgreSQL). */
  kind: 'memory' | 'durable'
  /** Enqueues one job per call (`producers` at once, as notifying handlers would). */
  enqueue(job: PeerJob): Promise<void>
  /** Enqueues every job with the library's bulk API, as a fan-out would. */
  enqueueMany(jobs: PeerJob[]): Promise<void>
  /** Stops workers and removes what it created (queues, schemas, keys). */
  close(): Promise<void>
}

/**
 * A counter of finished jobs with waiters: `until(n)` resolves after `n` more `done()` calls.
 *
 * @example
 * const tally = createTally()
 * const all = tally.until(100)
 */
export function createTally(): Pick<PeerContext, 'done' | 'until'> {
  let finished = 0
  const waiters: Array<{ at: number; resolve: () => void }> = []
  return {
    done() {
      finished++
      while (waiters[0] && waiters[0].at <= finished) waiters.shift()?.resolve()
    },
    until(count) {
      return new Promise((resolve) => {
        waiters.push({ at: finished + count, resolve })
        waiters.sort((a, b) => a.at - b.at)
        while (waiters[0] && waiters[0].at <= finished) waiters.shift()?.resolve()
      })
    },
  }
}
