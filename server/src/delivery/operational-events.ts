import type { Clock } from '../clock'
import { isoTime } from '../iso-time'
import type { SubscriptionStore } from '../store/subscription-store'
import type { DeliveryResult } from './types'

/** What every operational event carries. */
interface OperationalEventBase {
  /** The owner of the subscription concerned. */
  owner: string
  subscription_id: string
  /** When it happened (ISO-8601). */
  at: string
}

/**
 * A message failed its last retry: it is `failed` in the message log, and a replay or a
 * redeliver can send it again.
 */
export interface DeliveryExhaustedEvent extends OperationalEventBase {
  type: 'delivery.exhausted'
  message_id: string
  /** The event name of the message. */
  event: string
  /** Attempts made, the first included. */
  attempts: number
  /** The last attempt's HTTP status, `null` when it got no response. */
  response_status: number | null
  /** Why the last attempt failed. */
  error: string | null
}

/**
 * A subscription's consecutive failed deliveries reached `failingAfter`: it will be disabled at
 * `disable_after` unless a delivery succeeds first. Sent once per run of failures (when the
 * count equals the threshold).
 */
export interface SubscriptionFailingEvent extends OperationalEventBase {
  type: 'subscription.failing'
  /** The message whose failure reached the threshold. */
  message_id: string
  consecutive_failures: number
  disable_after: number
}

/** A final failure reached `disableAfter`: the subscription is `disabled` and gets nothing more. */
export interface SubscriptionDisabledEvent extends OperationalEventBase {
  type: 'subscription.disabled'
  /** The message whose failure disabled it. */
  message_id: string
  disable_after: number
}

/**
 * Something a provider's operator should know about: a message given up on, a subscription that
 * keeps failing, one that was disabled. Told to `onOperationalEvent` and streamed by
 * `results({ operations: true })`; `rh serve --ops-webhook` delivers them as signed webhooks.
 *
 * @example
 * const rh = createResthooks({
 *   authenticate,
 *   onOperationalEvent: (event) => {
 *     if (event.type === 'subscription.disabled') alert(`${event.owner}: ${event.subscription_id} disabled`)
 *   },
 * })
 */
export type OperationalEvent =
  | DeliveryExhaustedEvent
  | SubscriptionFailingEvent
  | SubscriptionDisabledEvent

/**
 * The `type` of every {@link OperationalEvent}, e.g. to subscribe an operator endpoint to all.
 *
 * @example
 * await rh.store.create({ ...subscription, events: [...operationalEventTypes] })
 */
export const operationalEventTypes = [
  'delivery.exhausted',
  'subscription.failing',
  'subscription.disabled',
] as const satisfies readonly OperationalEvent['type'][]

/**
 * The default `failingAfter`: half of `disableAfter`, rounded up, so the warning comes with as
 * many failures left before disabling as it took to get there.
 *
 * @example
 * defaultFailingAfter(10) // 5
 */
export function defaultFailingAfter(disableAfter: number): number {
  return Math.ceil(disableAfter / 2)
}

/** What {@link operationalEventsOf} needs. */
export interface OperationalEventsContext {
  store: SubscriptionStore
  clock: Clock
  disableAfter: number
  /** A `subscription.failing` is told when the count of consecutive failures reaches this. */
  failingAfter: number
}

/**
 * The operational events one settled attempt causes: none, unless it was a final failure
 * (`failed` or `disabled`), so a delivery costs nothing more. A final failure is a
 * `delivery.exhausted`; one that disabled the subscription also a `subscription.disabled`; one
 * that brought the consecutive failures to exactly `failingAfter` (read back from the store,
 * only when `failingAfter < disableAfter`) also a `subscription.failing`.
 *
 * @example
 * for (const event of await operationalEventsOf(result, context)) onOperationalEvent(event)
 */
export async function operationalEventsOf(
  result: DeliveryResult,
  context: OperationalEventsContext,
): Promise<OperationalEvent[]> {
  if (result.outcome !== 'failed' && result.outcome !== 'disabled') return []
  const { owner, subscription_id, message_id } = result
  const at = isoTime(context.clock.now())
  const events: OperationalEvent[] = [
    {
      type: 'delivery.exhausted',
      owner,
      subscription_id,
      message_id,
      event: result.event,
      attempts: result.attempt,
      response_status: result.response_status,
      error: result.error,
      at,
    },
  ]
  const { disableAfter, failingAfter } = context
  if (result.outcome === 'disabled') {
    events.push({
      type: 'subscription.disabled',
      owner,
      subscription_id,
      message_id,
      disable_after: disableAfter,
      at,
    })
  } else if (failingAfter < disableAfter) {
    // The store counts atomically but tells only whether it disabled: the count is read back.
    const subscription = await context.store.get(owner, subscription_id)
    if (subscription?.status === 'active' && subscription.consecutive_failures === failingAfter) {
      events.push({
        type: 'subscription.failing',
        owner,
        subscription_id,
        message_id,
        consecutive_failures: subscription.consecutive_failures,
        disable_after: disableAfter,
        at,
      })
    }
  }
  return events
}
