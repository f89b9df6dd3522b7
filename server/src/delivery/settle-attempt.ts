import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { DeliveryJob, DeliveryQueue } from '../queue/delivery-queue'
import type { StoredSubscription, SubscriptionStore } from '../store/subscription-store'
import type { AttemptVerdict } from './classify-response'
import type { KeyedLock } from './keyed-lock'
import { parseRetryAfter, type RetryPolicy, retryAfterStatuses, retryDelay } from './retry-policy'
import type { DeliveryResult } from './types'

/** What one attempt produced, before its consequences. */
export interface AttemptReport {
  job: DeliveryJob
  subscription: StoredSubscription
  verdict: AttemptVerdict
  status: number | null
  retryAfter: string | undefined
  /** The start of the response body, trimmed and capped; `null` without one. */
  responseExcerpt: string | null
  startedAt: number
  /** When the attempt ended (the response or the error), in ms: "now" for its consequences. */
  endedAt: number
}

/** What {@link settleAttempt} writes to. */
export interface SettleContext {
  store: SubscriptionStore
  queue: DeliveryQueue
  policy: RetryPolicy
  disableAfter: number
  /**
   * Serialises the read-then-write of one subscription's failure count, so two attempts
   * settling at once cannot lose an update, for a store without `recordOutcome`. Default: none.
   */
  lock?: KeyedLock
}

/**
 * The consequences of one attempt, as data: the attempt log entry, the queue (complete or
 * reschedule), the subscription (410 deletes it; failures count towards `disableAfter`, success
 * resets the count) and the result to publish.
 *
 * - delivered: job completed, failure count reset.
 * - gone (410): subscription deleted, all its pending jobs dropped.
 * - failed with a retry left: rescheduled after the policy's delay, or after `Retry-After` on a
 *   429/503, bounded to [that delay, maxDelay].
 * - failed with no retry left: completed; the subscription's consecutive failures + 1, and at
 *   `disableAfter` its status becomes `disabled`.
 *
 * @example
 * const result = await settleAttempt(report, context)
 */
export async function settleAttempt(
  report: AttemptReport,
  context: SettleContext,
): Promise<DeliveryResult> {
  const { job, subscription, verdict } = report
  const { store, queue, policy } = context
  const attempt = job.attempt + 1
  const now = report.endedAt
  const durationMs = Math.max(0, Math.round(now - report.startedAt))
  let outcome: DeliveryResult['outcome']
  let nextAttemptAt: number | null = null

  if (verdict.kind === 'delivered') {
    outcome = 'delivered'
  } else if (verdict.kind === 'gone') {
    outcome = 'gone'
  } else {
    const scheduled = verdict.retryable ? retryDelay(policy, attempt) : null
    if (scheduled === null) {
      outcome = 'failed'
    } else {
      let delay = scheduled
      const asked =
        report.status !== null && retryAfterStatuses.has(report.status)
          ? parseRetryAfter(report.retryAfter, now)
          : null
      if (asked !== null) delay = Math.min(Math.max(asked, scheduled), policy.maxDelay)
      outcome = 'retrying'
      nextAttemptAt = now + delay
    }
  }

  // Issued together with the queue write below, so a durable queue commits both in one group.
  const recorded = queue.recordAttempt({
    id: newId('atm', now),
    subscription_id: subscription.id,
    owner: job.owner,
    message_id: job.message_id,
    event: job.event,
    attempt,
    outcome: verdict.kind,
    response_status: report.status,
    error: verdict.kind === 'failed' ? verdict.error : null,
    response_excerpt: report.responseExcerpt,
    duration_ms: durationMs,
    started_at: isoTime(report.startedAt),
    next_attempt_at: nextAttemptAt === null ? null : isoTime(nextAttemptAt),
  })

  if (outcome === 'delivered') {
    const completed = queue.complete(job.id, 'delivered')
    // Both awaited even when the first fails (none is left to an unhandled rejection), inline:
    // a helper would cost a promise and a hop more on every delivery.
    try {
      await recorded
    } finally {
      await completed
    }
    await countOutcome(job.owner, subscription.id, true, now, context)
  } else if (outcome === 'gone') {
    await recorded
    await store.delete(job.owner, subscription.id)
    await queue.complete(job.id, 'gone')
    await queue.cancelSubscription(subscription.id)
  } else if (outcome === 'retrying') {
    await both(recorded, queue.reschedule(job.id, attempt, nextAttemptAt as number))
  } else {
    await both(recorded, queue.complete(job.id, 'failed'))
    if (await countOutcome(job.owner, subscription.id, false, now, context)) outcome = 'disabled'
  }

  return {
    message_id: job.message_id,
    delivery_id: job.id,
    subscription_id: subscription.id,
    owner: job.owner,
    event: job.event,
    attempt,
    outcome,
    response_status: report.status,
    error: verdict.kind === 'failed' ? verdict.error : null,
    duration_ms: durationMs,
    next_attempt_at: nextAttemptAt,
  }
}

/**
 * Awaits two writes issued together, and both even when the first fails (none is left to an
 * unhandled rejection): `Promise.all` for two, without its allocations on every attempt.
 */
async function both(first: Promise<void>, second: Promise<void>): Promise<void> {
  try {
    await first
  } finally {
    await second
  }
}

/**
 * Resets (delivered) or counts (given up) the subscription's consecutive failures; `true` when
 * this disabled it. One atomic store call where the store has `recordOutcome`; else a read and
 * an update under the per-subscription lock.
 */
function countOutcome(
  owner: string,
  id: string,
  delivered: boolean,
  at: number,
  context: SettleContext,
): Promise<boolean> {
  const { store, disableAfter } = context
  if (store.recordOutcome) return store.recordOutcome(owner, id, { delivered, disableAfter, at })
  const lock: KeyedLock = context.lock ?? ((_, section) => section())
  return lock(id, async () => {
    const current = await store.get(owner, id)
    if (!current || (delivered && current.consecutive_failures === 0)) return false
    const failures = delivered ? 0 : current.consecutive_failures + 1
    const disable = !delivered && failures >= disableAfter && current.status === 'active'
    await store.update(owner, id, {
      consecutive_failures: failures,
      ...(disable ? { status: 'disabled' as const } : {}),
      updated_at: isoTime(at),
    })
    return disable
  })
}
