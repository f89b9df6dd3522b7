import * as v from 'valibot'

/** The envelope every delivery carries. `type` is the event name. */
export const NotificationSchema = v.object({
  type: v.string(),
  /** ISO-8601 time of the event. */
  timestamp: v.string(),
  data: v.unknown(),
})

/** The `type` of the intent-verification request sent at subscribe time. */
export const HANDSHAKE_EVENT = 'rh.handshake'

/** Body of the handshake request; the target answers 2xx with `{ challenge }`. */
export const HandshakeSchema = v.object({
  type: v.literal(HANDSHAKE_EVENT),
  timestamp: v.string(),
  data: v.object({ challenge: v.string(), events: v.array(v.string()) }),
})

/** What a target answers to agree to a subscription. */
export const HandshakeResponseSchema = v.object({ challenge: v.string() })

export type Notification<TData = unknown, TType extends string = string> = {
  type: TType
  timestamp: string
  data: TData
}
export type Handshake = v.InferOutput<typeof HandshakeSchema>
export type HandshakeResponse = v.InferOutput<typeof HandshakeResponseSchema>
