import type { Clock } from '../clock'
import { createKeyedLock } from '../delivery/keyed-lock'
import type { DeliveryEngine } from '../delivery/types'
import { ResthooksError } from '../errors'
import type { NewKey } from '../handler/subscription-routes'
import type { MessageLog } from '../queue/message-log'
import type { SubscriptionStore } from '../store/subscription-store'
import type { Recovery } from './recovery'
import { rotateSecret } from './rotate-secret'
import { sendTest } from './send-test'

/** What {@link createRecovery} needs: the parts `createResthooks` made. */
export interface RecoveryOptions {
  store: SubscriptionStore
  queue: MessageLog
  clock: Clock
  /** Woken after a redeliver or replay queued work; sends test events. */
  engine: Pick<DeliveryEngine, 'wake' | 'sendNow'>
  /** The key maker of new subscriptions, for rotations. */
  newKey(): NewKey | null | Promise<NewKey | null>
}

const noMessage = () => new ResthooksError('not_found', 'no such message')
const noSubscription = () => new ResthooksError('not_found', 'no such subscription')
const inactive = (status: string) =>
  new ResthooksError(
    'subscription_inactive',
    `the subscription is ${status}: re-enable it (PATCH its status to active) first`,
  )

/**
 * The {@link Recovery} of one server: redeliver and replay go through the message log and wake
 * the engine, so the deliveries start at once, under the normal concurrency limits and retry
 * schedule; rotations and test events go through the store and the engine's keys and transport.
 *
 * @example
 * const recovery = createRecovery({ store, queue, clock, engine, newKey })
 * await recovery.redeliver('acme', 'msg_…')
 */
export function createRecovery(options: RecoveryOptions): Recovery {
  const { store, queue, clock, engine } = options
  const rotations = { store, clock, newKey: options.newKey, lock: createKeyedLock() }

  const queued = (count: number) => {
    if (count > 0) engine.wake()
    return count
  }

  return {
    async redeliver(owner, messageId, subscriptionId) {
      const message = await queue.getMessage(owner, messageId)
      if (!message) throw noMessage()
      const sentTo = message.deliveries.map((delivery) => delivery.subscription_id)
      if (subscriptionId !== undefined && !sentTo.includes(subscriptionId)) {
        throw new ResthooksError('not_found', 'the message was not sent to this subscription')
      }
      const wanted = subscriptionId === undefined ? [...new Set(sentTo)] : [subscriptionId]
      const subscriptions = await Promise.all(wanted.map((id) => store.get(owner, id)))
      if (subscriptionId !== undefined) {
        const [named] = subscriptions
        if (!named) throw noSubscription()
        if (named.status !== 'active') throw inactive(named.status)
      }
      // All of them: those deleted, paused or disabled since are left out, not an error.
      const active = subscriptions.flatMap((s) => (s?.status === 'active' ? [s.id] : []))
      if (active.length === 0) return { redelivered: 0 }
      const count = await queue.redeliver(owner, messageId, active, clock.now())
      return { redelivered: queued(count) }
    },

    async replay(owner, subscriptionId, query) {
      const { since, until, status = 'failed' } = query
      checkRange(since, until)
      const subscription = await store.get(owner, subscriptionId)
      if (!subscription) throw noSubscription()
      if (subscription.status !== 'active') throw inactive(subscription.status)
      const count = await queue.replay(owner, subscriptionId, {
        since,
        until,
        status,
        events: subscription.events,
        now: clock.now(),
        fifo: subscription.ordering === 'fifo',
      })
      return { replayed: queued(count) }
    },

    rotateSecret: (owner, subscriptionId, rotateOptions) =>
      rotateSecret(rotations, owner, subscriptionId, rotateOptions),

    sendTest: (owner, subscriptionId) => sendTest({ store, clock, engine }, owner, subscriptionId),
  }
}

/** A replay's `[since, until)`: times in ms, `until` (when given) not before `since`. */
function checkRange(since: number, until: number | undefined) {
  if (!Number.isFinite(since)) {
    throw new ResthooksError('invalid_request', 'since must be a time', {
      errors: [{ path: 'since', message: 'must be a time' }],
    })
  }
  if (until !== undefined && !(Number.isFinite(until) && until >= since)) {
    throw new ResthooksError('invalid_request', 'until must be a time not before since', {
      errors: [{ path: 'until', message: 'must be a time not before since' }],
    })
  }
}
