import { createResthooks, type Resthooks } from '../server/src/create-resthooks'
import type { NotifyReceipt } from '../server/src/delivery/types'
import type { NotifyTransaction } from '../server/src/queue/delivery-queue'
import type { Storage } from '../server/src/storage'
import type { ManualClock } from '../server/src/testing/manual-clock'
import { startVerifyingReceiver, type VerifyingReceiver } from '../server/src/testing/receiver'

/** The signing secret of the outbox tests' engine and receiver. */
export const outboxSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
/** The owner of the outbox tests' subscription. */
export const outboxOwner = 'acme'

/** An engine on a durable storage, subscribed to a verifying receiver, that tells what settled. */
export interface Outbox {
  rh: Resthooks
  receiver: VerifyingReceiver
  /** How many times the receiver got message `id`. */
  times(id: string): number
  /** Resolves once this process settled a delivery of message `id` (its outcome written). */
  settled(id: string): Promise<void>
  /**
   * Moves past every lease and retry, then waits for a committed notify made after: whatever an
   * earlier transaction left to deliver would have been claimed by now.
   */
  settleEverything(): Promise<void>
  /** Closes the engine, then the receiver. */
  close(): Promise<void>
}

/**
 * Starts a verifying receiver, subscribes it (`subscriptionId` of {@link outboxOwner}) to
 * `order.created` on `storage`, and runs an engine there on `clock` with `leaseMs`. `begin` runs
 * work in one transaction of the application (for the barrier of `settleEverything`).
 *
 * @example
 * const outbox = await startOutbox(storage, {
 *   clock, leaseMs: 60_000, subscriptionId, begin: (work) => app.begin(work),
 * })
 */
export async function startOutbox(
  storage: Pick<Storage, 'store' | 'queue'>,
  options: {
    clock: ManualClock
    leaseMs: number
    subscriptionId: string
    begin: (work: (tx: NotifyTransaction) => Promise<NotifyReceipt>) => Promise<NotifyReceipt>
  },
): Promise<Outbox> {
  const { clock, leaseMs, subscriptionId, begin } = options
  const receiver = await startVerifyingReceiver({ secret: outboxSecret })
  const at = new Date(clock.now()).toISOString()
  await storage.store.create({
    id: subscriptionId,
    owner: outboxOwner,
    target_url: receiver.url,
    events: ['order.created'],
    status: 'active',
    metadata: {},
    secret: null,
    consecutive_failures: 0,
    created_at: at,
    updated_at: at,
  })
  const rh = createResthooks({
    authenticate: () => null,
    store: storage.store,
    queue: storage.queue,
    clock,
    signing: { secret: outboxSecret },
    allowPrivateTargets: true,
    leaseMs,
  })

  const settledIds = new Set<string>()
  const settledWaiters = new Set<() => void>()
  void (async () => {
    for await (const result of rh.results()) {
      settledIds.add(result.message_id)
      for (const wake of [...settledWaiters]) wake()
    }
  })()
  const settled = (id: string) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!settledIds.has(id)) return
        settledWaiters.delete(check)
        resolve()
      }
      settledWaiters.add(check)
      check()
    })

  return {
    rh,
    receiver,
    times: (id) => receiver.deliveries.filter((d) => d.id === id).length,
    settled,
    async settleEverything() {
      await clock.advance(2 * leaseMs)
      const barrier = await begin((tx) =>
        rh.notify(outboxOwner, 'order.created', { barrier: true }, { tx }),
      )
      await settled(barrier.message_id)
    },
    async close() {
      await rh.close({ graceMs: 1000 })
      await receiver.close()
    },
  }
}
