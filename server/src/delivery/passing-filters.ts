import { matchesFilter } from '@rh/protocol'
import type { StoredSubscription } from '../store/subscription-store'

/**
 * The subscriptions whose payload filter passes a message, in their order: each filter is
 * evaluated once, here, when the message is accepted (never per attempt). The `data` they read is
 * parsed back from `body`, the envelope JSON receivers get, so a filter sees what is sent (a
 * `Date` as its ISO string), and it is parsed only when some subscription has a filter: without
 * filters this is one pass over the list and returns it as it is.
 *
 * @example
 * const jobs = passingFilters(await store.match(owner, event), body).map(toJob)
 */
export function passingFilters(
  subscriptions: StoredSubscription[],
  body: string,
): StoredSubscription[] {
  if (!subscriptions.some((subscription) => subscription.filter != null)) return subscriptions
  const { data } = JSON.parse(body) as { data?: unknown }
  return subscriptions.filter(
    (subscription) => subscription.filter == null || matchesFilter(subscription.filter, data),
  )
}
