import { createVerifier, generateSecret } from '@rh/protocol'
import { afterEach } from 'vitest'
import { createResthooks, type Resthooks, type ResthooksOptions } from '../create-resthooks'
import type { DeliveryResult } from '../delivery/types'
import type { StoredSubscription } from '../store/subscription-store'
import { subscription } from '../testing/factories'
import { type ManualClock, manualClock } from '../testing/manual-clock'
import { type Received, type Receiver, startReceiver } from '../testing/receiver'

// The shared setup of the recovery tests: a server on a manual clock over the memory store and
// queue, real receivers on 127.0.0.1, subscriptions stored directly (no handshake).

/**
 * Registers the cleanup of everything made by the returned helpers (after each test).
 *
 * @example
 * const kit = recoveryTestKit()
 * const { rh, clock } = kit.server({ retry: { retries: 0 } })
 */
export function recoveryTestKit() {
  const cleanups: Array<() => Promise<unknown>> = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  /** A server on a manual clock at a whole second; retries without jitter. */
  function server(options: Partial<ResthooksOptions> = {}): {
    rh: Resthooks
    clock: ManualClock
    results: AsyncIterator<DeliveryResult>
    /** Reads results until one matches. */
    nextResult(where?: (result: DeliveryResult) => boolean): Promise<DeliveryResult>
    /** Stores an active subscription of alice to `post.created` with its own secret (`overrides` win). */
    subscribe(overrides?: Partial<StoredSubscription>): Promise<StoredSubscription>
  } {
    const clock = manualClock(Math.floor(Date.now() / 1000) * 1000)
    const rh = createResthooks({
      authenticate: () => 'alice',
      clock,
      allowPrivateTargets: true,
      onError: () => {},
      ...options,
      retry: { jitter: 0, ...options.retry },
    })
    cleanups.push(() => rh.close({ graceMs: 0 }))
    const results = rh.results()[Symbol.asyncIterator]()
    return {
      rh,
      clock,
      results,
      async nextResult(where = () => true) {
        for (;;) {
          const { done, value } = await results.next()
          if (done) throw new Error('the results ended')
          if (where(value)) return value
        }
      },
      async subscribe(overrides = {}) {
        const created = subscription({
          owner: 'alice',
          events: ['post.created'],
          secret: generateSecret(),
          ...overrides,
        })
        await rh.store.create(created)
        return created
      },
    }
  }

  /** A receiver answering `status()` (default 204), closed after the test. */
  async function receiver(status: () => number = () => 204): Promise<Receiver> {
    const started = await startReceiver((_, response) => {
      response.writeHead(status()).end()
    })
    cleanups.push(() => started.close())
    return started
  }

  return { server, receiver }
}

/**
 * Whether `received` verifies with `keys` (a `whsec_` secret or a `whpk_` public key) at `now`.
 *
 * @example
 * expect(await verifiesWith(hook, [oldSecret], clock.now())).toBe(true)
 */
export async function verifiesWith(
  received: Received,
  keys: string[],
  now: number,
): Promise<boolean> {
  const verifier = createVerifier(keys, { now: () => now })
  const result = await verifier.safeVerify(received.body, received.headers)
  return result.success
}
