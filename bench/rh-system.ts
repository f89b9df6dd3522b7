import {
  createResthooks,
  type DeliveryResult,
  type Resthooks,
  type TelemetryOptions,
} from '@rh/server'
import type { Transport } from '@rh/server/transports'
import { newId } from '../server/src/ids'
import { BENCH_EVENT, BENCH_OWNER } from './payload'
import type { BenchStorage } from './storage'

/** rh's delivery side as the benchmarks drive it. */
export interface RhSystem {
  rh: Resthooks
  /** `rh.notify` of {@link BENCH_EVENT} for {@link BENCH_OWNER}. */
  notify(data: unknown): Promise<unknown>
  /**
   * Adds `count` active subscriptions to {@link BENCH_EVENT}, targets taken round-robin; with
   * `eventsOf`, the i-th names `eventsOf(i)` instead (patterns taking it, for routing); with
   * `ordering`, each delivers in that order.
   */
  subscribe(
    targets: string[],
    count: number,
    shape?: { eventsOf?: ((i: number) => string[]) | undefined; ordering?: 'fifo' },
  ): Promise<void>
  /**
   * Resolves once `count` more delivery results have been published (a result the stream
   * dropped for a slow reader still counts), with how many of them were `delivered`.
   */
  settled(count: number): Promise<{ delivered: number; other: number }>
  close(): Promise<void>
}

/**
 * `createResthooks` over a benchmark storage: real clock, one global `whsec_` secret, private
 * targets allowed (the receiver is on 127.0.0.1), no handshake. Subscriptions are written
 * straight into the store (the API has its own benchmark).
 *
 * @example
 * const rh = createRhSystem(storage, { secret, concurrency: { global: 64, perHost: 64 } })
 * await rh.subscribe([receiver.url], 1)
 */
export function createRhSystem(
  storage: BenchStorage,
  options: {
    secret: string
    /** rh's `concurrency`; omitted, rh runs with its defaults (perHost 8, global 64). */
    concurrency?: { global: number; perHost: number }
    /** rh's attempt `timeout` in ms; omitted, rh's default. */
    timeout?: number
    /** rh's `retry`; omitted, rh's default schedule. */
    retry?: { retries: number }
    /** rh's `disableAfter`; omitted, rh's default. */
    disableAfter?: number
    /** rh's `telemetry`; omitted, none. */
    telemetry?: TelemetryOptions
    /** rh's `transport`; omitted, rh's default for the runtime. */
    transport?: Transport
  },
): RhSystem {
  const rh = createResthooks({
    authenticate: () => BENCH_OWNER,
    store: storage.store,
    queue: storage.queue,
    signing: { secret: options.secret },
    handshake: false,
    allowPrivateTargets: true,
    ...(options.concurrency ? { concurrency: options.concurrency } : {}),
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.retry ? { retry: options.retry } : {}),
    ...(options.disableAfter === undefined ? {} : { disableAfter: options.disableAfter }),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
    ...(options.transport ? { transport: options.transport } : {}),
  })
  let n = 0
  return {
    rh,
    notify: (data) => rh.notify(BENCH_OWNER, BENCH_EVENT, data),
    async subscribe(targets, count, shape = {}) {
      const { eventsOf, ordering } = shape
      const now = new Date().toISOString()
      for (let i = 0; i < count; i++) {
        await storage.store.create({
          id: newId('sub'),
          owner: BENCH_OWNER,
          target_url: targets[n++ % targets.length] as string,
          events: eventsOf ? eventsOf(i) : [BENCH_EVENT],
          status: 'active',
          metadata: {},
          secret: null,
          consecutive_failures: 0,
          created_at: now,
          updated_at: now,
          ...(ordering ? { ordering } : {}),
        })
      }
    },
    async settled(count) {
      const results = rh.results()
      let delivered = 0
      let other = 0
      const tally = (result: DeliveryResult) => {
        if (result.outcome === 'delivered') delivered++
        else other++
      }
      if (count > 0) {
        for await (const result of results) {
          tally(result)
          if (delivered + other + results.dropped >= count) break
        }
      }
      return { delivered: delivered + results.dropped, other }
    },
    close: () => rh.close({ graceMs: 1000 }),
  }
}
