import { systemClock } from '../server/src/clock'
import { createDeliveryEngine } from '../server/src/delivery/create-delivery-engine'
import type { DeliveryEngine, DeliveryResult } from '../server/src/delivery/types'
import { newId } from '../server/src/ids'
import { BENCH_EVENT, BENCH_OWNER } from './payload'
import type { BenchStorage } from './storage'

/** rh's delivery side as the benchmarks drive it. */
export interface RhSystem {
  engine: DeliveryEngine
  /** Adds `count` active subscriptions to {@link BENCH_EVENT}, targets taken round-robin. */
  subscribe(targets: string[], count: number): Promise<void>
  /**
   * Resolves once `count` more delivery results have been published (a result the stream
   * dropped for a slow reader still counts), with how many of them were `delivered`.
   */
  settled(count: number): Promise<{ delivered: number; other: number }>
  close(): Promise<void>
}

/**
 * The delivery engine of `createResthooks` over a benchmark storage: real clock, one global
 * `whsec_` secret, private targets allowed (the receiver is on 127.0.0.1), no handshake (the
 * benchmark writes subscriptions straight into the store).
 *
 * @example
 * const rh = createRhSystem(storage, { secret, global: 64, perHost: 64 })
 * await rh.subscribe([receiver.url], 1)
 */
export function createRhSystem(
  storage: BenchStorage,
  options: { secret: string; global: number; perHost: number },
): RhSystem {
  const engine = createDeliveryEngine({
    store: storage.store,
    queue: storage.queue,
    clock: systemClock,
    signing: { secret: options.secret },
    allowPrivateTargets: true,
    concurrency: { global: options.global, perHost: options.perHost },
  })
  engine.start()
  let n = 0
  return {
    engine,
    async subscribe(targets, count) {
      const now = new Date().toISOString()
      for (let i = 0; i < count; i++) {
        await storage.store.create({
          id: newId('sub'),
          owner: BENCH_OWNER,
          target_url: targets[n++ % targets.length] as string,
          events: [BENCH_EVENT],
          status: 'active',
          metadata: {},
          secret: null,
          consecutive_failures: 0,
          created_at: now,
          updated_at: now,
        })
      }
    },
    async settled(count) {
      const results = engine.results()
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
    close: () => engine.close({ graceMs: 1000 }),
  }
}
