import * as v from 'valibot'
import { AttemptSchema } from './attempt'
import { SubscriptionIdSchema, TimestampSchema } from './ids'
import { timestampToMs } from './timestamp-ms'

/** Longest grace period of a secret rotation, in seconds: 7 days. */
export const MAX_ROTATION_GRACE_SECONDS = 7 * 24 * 60 * 60
/** Grace period of a secret rotation when the request gives none, in seconds: 24 hours. */
export const DEFAULT_ROTATION_GRACE_SECONDS = 24 * 60 * 60
/** The `type` of the event `POST {base}/subscriptions/{id}/test` sends. */
export const TEST_EVENT = 'rh.ping'

const count = (description: string) =>
  v.pipe(v.number(), v.integer(), v.minValue(0), v.description(description))

/**
 * Body of `POST {base}/messages/{id}/redeliver`: `{}` sends the message again to every active
 * subscription it went to, `{ subscription_id }` to that one only.
 *
 * @example
 * v.parse(RedeliverRequestSchema, { subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC' })
 */
export const RedeliverRequestSchema = v.strictObject({
  subscription_id: v.optional(SubscriptionIdSchema),
})

/**
 * Answer of `POST {base}/messages/{id}/redeliver` (`202`): how many deliveries were queued.
 *
 * @example
 * const { redelivered } = v.parse(RedeliverResponseSchema, await response.json())
 */
export const RedeliverResponseSchema = v.object({
  redelivered: count('Deliveries queued; one already pending is not counted.'),
})

/**
 * Body of `POST {base}/subscriptions/{id}/replay`: the messages created in `[since, until)`
 * (`until` defaults to now, and is not before `since`). `status: 'failed'` (default) replays what
 * failed or was cancelled; `'all'` every message of the subscription's events, also those it
 * never got.
 *
 * @example
 * v.parse(ReplayRequestSchema, { since: '2025-01-31T12:00:00Z', status: 'failed' })
 */
export const ReplayRequestSchema = v.pipe(
  v.strictObject({
    since: v.pipe(TimestampSchema, v.description('Messages created at or after this time.')),
    until: v.optional(
      v.pipe(
        TimestampSchema,
        v.description('Messages created before this time; not before `since`. Default: now.'),
      ),
    ),
    status: v.optional(
      v.pipe(
        v.picklist(['failed', 'all']),
        v.description(
          '`failed` (default): deliveries that failed or were cancelled. `all`: every message of its events.',
        ),
      ),
    ),
  }),
  v.forward(
    v.partialCheck(
      [['since'], ['until']],
      (input) =>
        input.until === undefined || !(timestampToMs(input.since) > timestampToMs(input.until)),
      'until must not be before since',
    ),
    ['until'],
  ),
)

/**
 * Answer of `POST {base}/subscriptions/{id}/replay` (`202`): how many deliveries were queued.
 *
 * @example
 * const { replayed } = v.parse(ReplayResponseSchema, await response.json())
 */
export const ReplayResponseSchema = v.object({
  replayed: count('Deliveries queued, in message order; one already pending is not counted.'),
})

/**
 * Body of `POST {base}/subscriptions/{id}/rotate-secret`: how long the previous secret keeps
 * signing beside the new one, 0 to 7 days in seconds (default 24 hours).
 *
 * @example
 * v.parse(RotateSecretRequestSchema, { grace_seconds: 3600 })
 */
export const RotateSecretRequestSchema = v.strictObject({
  grace_seconds: v.optional(
    v.pipe(
      v.number(),
      v.integer('grace_seconds is a whole number of seconds'),
      v.minValue(0, 'grace_seconds is at least 0'),
      v.maxValue(MAX_ROTATION_GRACE_SECONDS, 'grace_seconds is at most 7 days (604800)'),
      v.description('Seconds the previous secret keeps signing; 86400 (24 h) when absent.'),
    ),
  ),
})

/**
 * Answer of `POST {base}/subscriptions/{id}/rotate-secret`: the new secret, shown this once.
 *
 * @example
 * const { secret } = v.parse(RotateSecretResponseSchema, await response.json())
 */
export const RotateSecretResponseSchema = v.object({
  secret: v.pipe(
    v.string(),
    v.description(
      'The new `whsec_` secret (the `whpk_` public key of a `v1a` key), shown this once.',
    ),
  ),
  previous_secret_expires_at: v.pipe(
    TimestampSchema,
    v.description('Until when the previous secret keeps signing beside the new one.'),
  ),
})

/**
 * Answer of `POST {base}/subscriptions/{id}/test`: the attempt of the `rh.ping` sent, as the
 * attempt log would show it (it is not logged, and never retried).
 *
 * @example
 * const attempt = v.parse(TestEventResponseSchema, await response.json())
 * if (attempt.outcome !== 'delivered') console.log(attempt.response_status, attempt.error)
 */
export const TestEventResponseSchema = v.omit(AttemptSchema, ['next_attempt_at'])

/** Body of a redeliver: `{}` or `{ subscription_id }`. */
export type RedeliverRequest = v.InferInput<typeof RedeliverRequestSchema>
/** Answer of a redeliver: `{ redelivered }`. */
export type RedeliverResponse = v.InferOutput<typeof RedeliverResponseSchema>
/** Body of a replay: `{ since, until?, status? }`. */
export type ReplayRequest = v.InferInput<typeof ReplayRequestSchema>
/** Answer of a replay: `{ replayed }`. */
export type ReplayResponse = v.InferOutput<typeof ReplayResponseSchema>
/** Body of a secret rotation: `{ grace_seconds? }`. */
export type RotateSecretRequest = v.InferInput<typeof RotateSecretRequestSchema>
/** Answer of a secret rotation: `{ secret, previous_secret_expires_at }`. */
export type RotateSecretResponse = v.InferOutput<typeof RotateSecretResponseSchema>
/** Answer of a test event: the attempt without `next_attempt_at`. */
export type TestEventResponse = v.InferOutput<typeof TestEventResponseSchema>
