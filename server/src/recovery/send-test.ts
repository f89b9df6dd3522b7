import type { Clock } from '../clock'
import type { DeliveryEngine } from '../delivery/types'
import { ResthooksError } from '../errors'
import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { SubscriptionStore } from '../store/subscription-store'
import type { TestAttempt } from './recovery'

/** The event of a test message. */
export const PING_EVENT = 'rh.ping'

/** What {@link sendTest} needs. */
export interface SendTestContext {
  store: SubscriptionStore
  clock: Clock
  engine: Pick<DeliveryEngine, 'sendNow'>
}

/**
 * Sends a signed `{ type: 'rh.ping', timestamp, data: {} }` with a new message id to the
 * subscription's target now, whatever its status (a disabled subscription's endpoint can be
 * checked before re-enabling it), and answers with the attempt. Nothing is queued, retried or
 * logged, and the answer has no consequence (a `410` deletes nothing). Throws `not_found`.
 *
 * @example
 * const attempt = await sendTest(context, 'acme', 'sub_…')
 * if (attempt.outcome !== 'delivered') console.log(attempt.response_status, attempt.error)
 */
export async function sendTest(
  context: SendTestContext,
  owner: string,
  subscriptionId: string,
): Promise<TestAttempt> {
  const subscription = await context.store.get(owner, subscriptionId)
  if (!subscription) throw new ResthooksError('not_found', 'no such subscription')
  const now = context.clock.now()
  const id = newId('msg', now)
  const body = JSON.stringify({ type: PING_EVENT, timestamp: isoTime(now), data: {} })
  const { verdict, status, responseExcerpt, startedAt, endedAt } = await context.engine.sendNow(
    subscription,
    {
      id,
      event: PING_EVENT,
      body,
    },
  )
  return {
    id: newId('atm', startedAt),
    message_id: id,
    event: PING_EVENT,
    attempt: 1,
    outcome: verdict.kind,
    response_status: status,
    error: verdict.kind === 'failed' ? verdict.error : null,
    response_excerpt: responseExcerpt,
    duration_ms: Math.max(0, Math.round(endedAt - startedAt)),
    started_at: isoTime(startedAt),
  }
}
