import type { Clock } from '../clock'
import { newId } from '../ids'
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
  startedAt: number
  durationMs: number
}

/** What {@link settleAttempt} writes to. */
export interface SettleContext {
  store: SubscriptionStore
  queue: DeliveryQueue
  clock: Clock
  policy: RetryPolicy
  disableAfter: number
  /**
   * Serialises the read-then-write of one subscription's failure count, so two attempts
   * settling at once cannot lose an update. Default: none.
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
  const { store, queue, clock, policy } = context
  const attempt = job.attempt + 1
  const now = clock.now()
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
    duration_ms: Math.max(0, Math.round(report.durationMs)),
    started_at: new Date(report.startedAt).toISOString(),
    next_attempt_at: nextAttemptAt === null ? null : new Date(nextAttemptAt).toISOString(),
  })

  const lock: KeyedLock = context.lock ?? ((_, section) => section())
  if (outcome === 'delivered') {
    await Promise.all([recorded, queue.complete(job.id)])
    await lock(subscription.id, async () => {
      const current = await store.get(job.owner, subscription.id)
      if (current && current.consecutive_failures !== 0) {
        await store.update(job.owner, subscription.id, {
          consecutive_failures: 0,
          updated_at: isoNow(clock),
        })
      }
    })
  } else if (outcome === 'gone') {
    await recorded
    await store.delete(job.owner, subscription.id)
    await queue.cancelSubscription(subscription.id)
    await queue.complete(job.id)
  } else if (outcome === 'retrying') {
    await Promise.all([recorded, queue.reschedule(job.id, attempt, nextAttemptAt as number)])
  } else {
    await Promise.all([recorded, queue.complete(job.id)])
    const disabled = await lock(subscription.id, async () => {
      const current = await store.get(job.owner, subscription.id)
      if (!current) return false
      const failures = current.consecutive_failures + 1
      const disable = failures >= context.disableAfter && current.status === 'active'
      await store.update(job.owner, subscription.id, {
        consecutive_failures: failures,
        ...(disable ? { status: 'disabled' as const } : {}),
        updated_at: isoNow(clock),
      })
      return disable
    })
    if (disabled) outcome = 'disabled'
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
    duration_ms: Math.max(0, Math.round(report.durationMs)),
    next_attempt_at: nextAttemptAt,
  }
}

const isoNow = (clock: Clock) => new Date(clock.now()).toISOString()
