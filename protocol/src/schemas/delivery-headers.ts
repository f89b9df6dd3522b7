import * as v from 'valibot'

/** One entry of `webhook-signature`: `v1,<base64 HMAC-SHA256>` or `v1a,<base64 Ed25519>`. */
const SIGNATURE = '(?:v1,[A-Za-z0-9+/]{43}=|v1a,[A-Za-z0-9+/]{86}==)'

/**
 * The `webhook-signature` header as rh sends it: one or more signatures, space-separated, one
 * per active key. A verifier MUST ignore entries of versions it does not know; this schema
 * describes what a conforming sender writes.
 *
 * @example
 * v.parse(WebhookSignatureSchema, 'v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=')
 */
export const WebhookSignatureSchema = v.pipe(
  v.string(),
  v.regex(
    new RegExp(`^${SIGNATURE}(?: ${SIGNATURE})*$`),
    'webhook-signature is space-separated v1,<base64> or v1a,<base64> signatures',
  ),
)

/**
 * The `webhook-timestamp` header: unix seconds, decimal, no sign or fraction.
 *
 * @example
 * v.parse(WebhookTimestampSchema, String(Math.floor(Date.now() / 1000)))
 */
export const WebhookTimestampSchema = v.pipe(
  v.string(),
  v.regex(/^(?:0|[1-9][0-9]{0,11})$/, 'webhook-timestamp is unix seconds without leading zeros'),
)

/**
 * The `webhook-id` header: the message id, the same on every retry. rh sends `msg_` + a ULID;
 * receivers SHOULD accept any non-empty id of printable ASCII up to 256 characters.
 *
 * @example
 * v.parse(WebhookIdSchema, 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC')
 */
export const WebhookIdSchema = v.pipe(
  v.string(),
  v.regex(
    /^[\x21-\x2d\x2f-\x7e]{1,256}$/,
    'webhook-id is 1 to 256 printable ASCII characters other than "."',
  ),
)

/**
 * The headers of a delivery (and of a handshake) with lower-case names, as Fetch `Headers` or
 * Node's `IncomingHttpHeaders` give them. Other headers are allowed.
 *
 * @example
 * const headers = v.parse(WebhookHeadersSchema, Object.fromEntries(request.headers))
 */
export const WebhookHeadersSchema = v.looseObject({
  'webhook-id': WebhookIdSchema,
  'webhook-timestamp': WebhookTimestampSchema,
  'webhook-signature': WebhookSignatureSchema,
  'content-type': v.pipe(
    v.string(),
    v.regex(/^application\/json(?:\s*;.*)?$/, 'content-type is application/json'),
  ),
})

/** The parsed Standard Webhooks headers of a delivery; the output of {@link WebhookHeadersSchema}. */
export type WebhookHeaders = v.InferOutput<typeof WebhookHeadersSchema>
