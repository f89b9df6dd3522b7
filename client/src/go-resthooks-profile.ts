import type { Subscription } from '@rh/protocol'
import * as v from 'valibot'
import { RhClientError } from './client-error'

/**
 * What a go-resthooks server answers to `POST {base}/subscribe`: `200` with
 * `{ id, user_id, event, target_url }`, `id` an integer. rh's alias answers the same fields with a
 * string `id` and adds its own (`events`, `status`, `metadata`, times), which are kept when present.
 */
export const GoResthooksSubscriptionSchema = v.object({
  id: v.union([v.pipe(v.number(), v.integer()), v.pipe(v.string(), v.minLength(1))]),
  target_url: v.string(),
  event: v.optional(v.string()),
  events: v.optional(v.array(v.string())),
  user_id: v.optional(v.unknown()),
  status: v.optional(v.picklist(['active', 'paused', 'disabled'])),
  metadata: v.optional(v.record(v.string(), v.string())),
  created_at: v.optional(v.string()),
  updated_at: v.optional(v.string()),
})

/**
 * A go-resthooks subscribe answer as the client's {@link Subscription}: the integer id as a
 * string (the id `unsubscribe` takes), `event` as `events`. What go-resthooks does not keep is
 * filled in: `status: 'active'`, `metadata: {}`, and `created_at`/`updated_at` the time the answer
 * arrived (`now`).
 *
 * @example
 * toSubscription({ id: 1, user_id: 1, event: 'post_created', target_url }, Date.now()).id // '1'
 */
export function toSubscription(
  answer: v.InferOutput<typeof GoResthooksSubscriptionSchema>,
  now: number,
): Subscription {
  const at = new Date(now).toISOString()
  const events = answer.events ?? (answer.event === undefined ? [] : [answer.event])
  if (events.length === 0) {
    throw new RhClientError(
      'invalid_response',
      'POST /subscribe answered a subscription with neither event nor events',
    )
  }
  return {
    id: String(answer.id),
    events,
    target_url: answer.target_url,
    status: answer.status ?? 'active',
    metadata: answer.metadata ?? {},
    created_at: answer.created_at ?? at,
    updated_at: answer.updated_at ?? at,
  }
}

/**
 * go-resthooks answers `500 Invalid subscription.` to an unsubscribe of an id it does not know
 * (or that is not a number): the same thing as rh's `404 not_found`, so reported as that.
 * Any other error is returned as it is.
 *
 * @example
 * throw unknownIdAsNotFound(error)
 */
export function unknownIdAsNotFound(error: unknown): unknown {
  if (
    error instanceof RhClientError &&
    error.code === 'http_error' &&
    error.status === 500 &&
    /invalid subscription/i.test(error.message)
  ) {
    return new RhClientError(
      'not_found',
      'no such subscription (go-resthooks answered 500 Invalid subscription.)',
      {
        status: 500,
        cause: error,
      },
    )
  }
  return error
}
