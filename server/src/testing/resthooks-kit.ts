import { afterEach } from 'vitest'
import { createResthooks, type Resthooks, type ResthooksOptions } from '../create-resthooks'
import type { DeliveryResult } from '../delivery/types'
import { bearerOwner } from './api'
import { type ManualClock, manualClock } from './manual-clock'
import { type HookReceiver, startHookReceiver } from './receiver'

/** One engine of {@link resthooksTestKit}: its clock, its receiver and its delivery outcomes. */
export interface EngineOnReceiver {
  rh: Resthooks
  clock: ManualClock
  target: HookReceiver
  /** Resolves with the next delivery outcome. */
  next(): Promise<DeliveryResult>
}

/** What `setup` of {@link resthooksTestKit} takes: engine options, and the clock to run on. */
export type EngineOptions = Partial<ResthooksOptions> & { clock?: ManualClock }

/**
 * The shared setup of the end-to-end tests of createResthooks on memory storage. Call it once at
 * the top of a test file: it registers an `afterEach` that runs, newest first, every cleanup
 * `defer`red during the test (the engines and receivers of `setup` are deferred for you).
 *
 * `setup(options)` starts an engine authenticating `Bearer <owner>`, allowed to deliver to
 * 127.0.0.1, on a manual clock at `start` (or `options.clock`), with one attempt per delivery
 * and errors kept quiet (`options` override), plus a real receiver on 127.0.0.1.
 *
 * @example
 * const { setup } = resthooksTestKit(Date.parse('2025-01-31T12:00:00.000Z'))
 * const { rh, target, next } = await setup({ disableAfter: 1000 })
 */
export function resthooksTestKit(start: number) {
  const cleanups: (() => Promise<unknown> | unknown)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const defer = (cleanup: () => Promise<unknown> | unknown) => {
    cleanups.push(cleanup)
  }

  async function setup(options: EngineOptions = {}): Promise<EngineOnReceiver> {
    const clock = options.clock ?? manualClock(start)
    const rh = createResthooks({
      authenticate: bearerOwner,
      allowPrivateTargets: true,
      // One attempt per delivery: a failure is final at once.
      retry: { retries: 0 },
      onError: () => {},
      ...options,
      clock,
    })
    defer(() => rh.close({ graceMs: 0 }))
    const target = await startHookReceiver()
    defer(() => target.close())
    const results = rh.results()[Symbol.asyncIterator]()
    const next = async () => {
      const { value, done } = await results.next()
      if (done) throw new Error('the results ended')
      return value as DeliveryResult
    }
    return { rh, clock, target, next }
  }

  return { setup, defer }
}
