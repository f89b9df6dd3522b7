import { generateSecret } from '@rh/protocol'
import { afterEach } from 'vitest'
import { createDeliveryEngine } from '../delivery/create-delivery-engine'
import { createSigners } from '../delivery/signing'
import { createTransport } from '../delivery/transports/create-transport'
import type { DeliveryEngineOptions, DeliveryResult } from '../delivery/types'
import { createTargetChecks } from '../handler/target-checks'
import { memoryQueue } from '../queue/memory-queue'
import type { Resolve } from '../ssrf/guard-target'
import { memoryStore } from '../store/memory-store'
import type { StoredSubscription } from '../store/subscription-store'
import { subscription } from './factories'
import { manualClock } from './manual-clock'
import { type Receiver, startReceiver } from './receiver'

/**
 * The shared setup of the delivery tests. Call it once at the top of a test file: it registers an
 * `afterEach` that runs, newest first, every cleanup `defer`red during the test (receivers and
 * engines made here are deferred for you).
 *
 * @example
 * const { receiver, setup } = deliveryTestKit()
 * const target = await receiver()
 * const { store, engine, next } = setup({ retry: { retries: 1 } })
 * await store.subscribe('alice', 'post.created', target.url)
 */
export function deliveryTestKit() {
  const secret = generateSecret()
  const cleanups: Array<() => Promise<unknown> | unknown> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })
  const defer = (cleanup: () => Promise<unknown> | unknown) => {
    cleanups.push(cleanup)
  }

  /** A {@link startReceiver} closed after the test. */
  async function receiver(...args: Parameters<typeof startReceiver>): Promise<Receiver> {
    const started = await startReceiver(...args)
    defer(() => started.close())
    return started
  }

  /**
   * A delivery engine over a memory store and queue, a manual clock at a whole second, signing
   * with the kit's `secret`, the runtime's transport (with `resolve`), private targets allowed
   * and retries without jitter (`options` override). `next()` reads the next result;
   * `store.subscribe` adds an active subscription; `checks` are the subscription handler's
   * guard and handshake over the same transport and keys.
   */
  function setup(options: Partial<DeliveryEngineOptions> & { resolve?: Resolve } = {}) {
    const clock = manualClock(Math.floor(Date.now() / 1000) * 1000)
    const store = Object.assign(memoryStore(), {
      async subscribe(
        owner: string,
        event: string,
        target_url: string,
        extra: Partial<StoredSubscription> = {},
      ): Promise<StoredSubscription> {
        const created = subscription({ owner, target_url, events: [event], ...extra })
        await store.create(created)
        return created
      },
    })
    const queue = memoryQueue()
    const { resolve, ...engineOptions } = options
    const allowPrivateTargets = options.allowPrivateTargets ?? true
    const signers = options.signers ?? createSigners({ secret })
    const transport =
      options.transport ??
      createTransport({
        allowPrivateTargets,
        resolve,
        connections: options.concurrency?.perHost ?? 8,
      })
    if (!options.transport) defer(() => transport.close?.())
    const engine = createDeliveryEngine({
      store,
      queue,
      clock,
      signers,
      transport,
      allowPrivateTargets,
      ...engineOptions,
      retry: { jitter: 0, ...options.retry },
    })
    const checks = createTargetChecks({
      transport,
      signers,
      clock,
      resolve,
      allowPrivateTargets,
      attemptTimeout: options.timeout,
      maxResponseBytes: options.maxResponseBytes,
    })
    const stream = engine.results()[Symbol.asyncIterator]()
    defer(() => engine.close({ graceMs: 0 }))
    const next = async (): Promise<DeliveryResult> => {
      const { done, value } = await stream.next()
      if (done) throw new Error('the results ended')
      return value
    }
    return { clock, store, queue, engine, checks, next, start: clock.now() }
  }

  return { secret, defer, receiver, setup }
}
