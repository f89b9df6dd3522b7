/**
 * One page of a listing, newest first in the order of its store: the subscriptions of an owner,
 * the attempts of a subscription. `nextCursor` fetches the page after it, `null` on the last.
 */
export interface Page<T> {
  items: T[]
  nextCursor: string | null
}
