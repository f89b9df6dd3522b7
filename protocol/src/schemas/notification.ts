import * as v from 'valibot'
import { TimestampSchema } from './ids'
import { EventListSchema, EventNameSchema } from './subscription'

/**
 * The envelope every delivery carries: `type` is the event name, `timestamp` the ISO-8601 time
 * of the event, `data` the event's JSON payload.
 *
 * @example
 * const notification = v.parse(NotificationSchema, JSON.parse(body))
 */
export const NotificationSchema = v.object({
  type: EventNameSchema,
  /** ISO-8601 time of the event. */
  timestamp: TimestampSchema,
  data: v.pipe(v.unknown(), v.description('The JSON payload of the event.')),
})

/**
 * The `type` of the intent-verification request sent at subscribe time.
 *
 * @example
 * if (payload.type === HANDSHAKE_EVENT) return Response.json({ challenge: payload.data.challenge })
 */
export const HANDSHAKE_EVENT = 'rh.handshake'

/**
 * A handshake challenge: 22 to 128 URL-safe base64 characters (at least 128 random bits).
 *
 * @example
 * v.parse(ChallengeSchema, 'q3Jx9v0cX2m8Hk4bTzR1yA')
 */
export const ChallengeSchema = v.pipe(
  v.string(),
  v.regex(/^[A-Za-z0-9_-]{22,128}$/, 'a challenge is 22 to 128 URL-safe base64 characters'),
)

/**
 * Body of the handshake request; the target answers 2xx with `{ challenge }`.
 *
 * @example
 * if (v.is(HandshakeSchema, payload)) return Response.json({ challenge: payload.data.challenge })
 */
export const HandshakeSchema = v.object({
  type: v.literal(HANDSHAKE_EVENT),
  timestamp: TimestampSchema,
  data: v.object({ challenge: ChallengeSchema, events: EventListSchema }),
})

/**
 * What a target answers to agree to a subscription.
 *
 * @example
 * v.parse(HandshakeResponseSchema, await response.json())
 */
export const HandshakeResponseSchema = v.object({ challenge: v.string() })

/** The envelope of a delivery, typed by its event name and payload. */
export type Notification<TData = unknown, TType extends string = string> = {
  type: TType
  timestamp: string
  data: TData
}
/** The body of the subscription handshake POST; the output of {@link HandshakeSchema}. */
export type Handshake = v.InferOutput<typeof HandshakeSchema>
/** What a receiver answers to a handshake: `{ challenge }` echoed back. */
export type HandshakeResponse = v.InferOutput<typeof HandshakeResponseSchema>
