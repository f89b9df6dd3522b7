import { isRhClientError, RhClientError } from './client-error'

/**
 * What a receiver handler returns (or throws) to stop the subscription: the receiver answers
 * 410 Gone and the server deletes the subscription.
 *
 * @example
 * const receiver = createReceiver<Events>({
 *   secret,
 *   on: { 'post.created': (data) => (accountClosed(data.owner) ? gone() : save(data)) },
 * })
 */
export function gone(detail = 'the receiver no longer wants this subscription'): RhClientError {
  return new RhClientError('gone', detail, { status: 410 })
}

/**
 * Whether `value` is what {@link gone} makes.
 *
 * @example
 * if (isGone(result)) return new Response(null, { status: 410 })
 */
export function isGone(value: unknown): value is RhClientError {
  return isRhClientError(value) && value.code === 'gone'
}
