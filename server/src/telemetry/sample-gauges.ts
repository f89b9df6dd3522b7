import type { SubscriptionStatus } from '@rh/protocol'
import type { Clock } from '../clock'
import type { JobQueue } from '../queue/delivery-queue'

/** Subscriptions per status, as a `countSubscriptions` option reports them. */
export type SubscriptionCounts = Partial<Record<SubscriptionStatus, number>>

/** What the gauges are read from, at each scrape or collection. */
export interface GaugeSources {
  queue: Pick<JobQueue, 'size' | 'nextDueAt'>
  clock: Pick<Clock, 'now'>
  countSubscriptions?: (() => Promise<SubscriptionCounts>) | undefined
}

/** The statuses a subscription can have, in the order they are reported. */
export const subscriptionStatuses: readonly SubscriptionStatus[] = ['active', 'paused', 'disabled']

/** Pending deliveries (`queue.size()`), including those in flight. */
export function queueDepth(sources: GaugeSources): Promise<number> {
  return sources.queue.size()
}

/**
 * How long the oldest due delivery has waited past its due time, in seconds: 0 when nothing is
 * overdue (an empty queue, or the earliest job due in the future), so it grows only while the
 * engine falls behind or is stopped.
 *
 * @example
 * const age = await oldestDueAgeSeconds({ queue, clock })
 */
export async function oldestDueAgeSeconds(sources: GaugeSources): Promise<number> {
  const due = await sources.queue.nextDueAt()
  return due === null ? 0 : Math.max(0, sources.clock.now() - due) / 1000
}
