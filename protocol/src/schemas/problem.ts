import * as v from 'valibot'

/**
 * Every problem code rh answers with, its HTTP status and title: the one table the server renders
 * from, the client reads, and the client's receiver answers webhooks from. A receiver's refusals
 * of a webhook carry the code of the `ProtocolError` that failed (`signature_mismatch`...).
 *
 * @example
 * problemCodes.not_found.status // 404
 */
export const problemCodes = {
  malformed_json: { status: 400, title: 'Malformed JSON' },
  invalid_request: { status: 422, title: 'Invalid request' },
  invalid_query: { status: 400, title: 'Invalid query' },
  unknown_event: { status: 422, title: 'Unknown event' },
  target_refused: { status: 422, title: 'Target URL refused' },
  handshake_failed: { status: 422, title: 'Handshake failed' },
  unauthorized: { status: 401, title: 'Unauthorized' },
  not_found: { status: 404, title: 'Not found' },
  method_not_allowed: { status: 405, title: 'Method not allowed' },
  unsupported_media_type: { status: 415, title: 'Unsupported media type' },
  payload_too_large: { status: 413, title: 'Payload too large' },
  rate_limited: { status: 429, title: 'Too many requests' },
  subscription_inactive: { status: 409, title: 'Subscription inactive' },
  no_subscription_secret: { status: 409, title: 'No subscription secret' },
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
  // Answered by a receiver (`createReceiver` of @rh/client) to a webhook it refuses, never by
  // the subscription API: `by: 'receiver'` keeps them out of the API's documents.
  missing_header: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  unsigned_sender: { status: 401, title: 'Webhook not signed', by: 'receiver' },
  invalid_header: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  invalid_signature_format: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  invalid_timestamp: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  timestamp_too_old: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  timestamp_too_new: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  signature_mismatch: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  invalid_key: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  invalid_body: { status: 401, title: 'Webhook verification failed', by: 'receiver' },
  invalid_payload: { status: 400, title: 'Invalid webhook payload', by: 'receiver' },
  handshake_refused: { status: 403, title: 'Handshake refused', by: 'receiver' },
  in_flight: { status: 409, title: 'Delivery in flight', by: 'receiver' },
} as const satisfies Record<string, { status: number; title: string; by?: 'receiver' }>

/** A stable machine-readable problem code: a key of {@link problemCodes}. */
export type ProblemCode = keyof typeof problemCodes

/**
 * The codes of {@link problemCodes} as a schema.
 *
 * @example
 * v.is(ProblemCodeSchema, problem.code)
 */
export const ProblemCodeSchema = v.picklist(
  Object.keys(problemCodes) as [ProblemCode, ...ProblemCode[]],
)

/**
 * The `type` URI of a problem code.
 *
 * @example
 * problemType('not_found') // 'urn:rh:problem:not_found'
 */
export const problemType = (code: string): string => `urn:rh:problem:${code}`

/**
 * One invalid field of a request: where (`target_url`, `events.0`, `metadata.team`) and what is
 * wrong.
 *
 * @example
 * v.parse(FieldIssueSchema, { path: 'events.0', message: 'an event name must not be empty' })
 */
export const FieldIssueSchema = v.object({
  path: v.pipe(
    v.string(),
    v.description('Dot-separated path to the field (`events.0`); empty for the whole body.'),
  ),
  message: v.string(),
})

/**
 * An RFC 9457 problem document as rh sends it, `application/problem+json`. Extra members are
 * allowed by the RFC, and `code` may be one a newer server added: read it as a string.
 *
 * @example
 * const problem = v.parse(ProblemSchema, await response.json())
 */
export const ProblemSchema = v.looseObject({
  type: v.pipe(v.string(), v.description('`urn:rh:problem:<code>`.')),
  title: v.string(),
  status: v.pipe(v.number(), v.integer(), v.minValue(400), v.maxValue(599)),
  detail: v.optional(v.string()),
  instance: v.optional(v.string()),
  code: v.pipe(v.string(), v.description('The stable machine-readable code; see problemCodes.')),
  errors: v.optional(v.array(FieldIssueSchema)),
})

/** An RFC 9457 problem+json body with rh's `code` and optional field `errors`. */
export type Problem = v.InferOutput<typeof ProblemSchema>
/** One invalid field of a request: where (`path`) and why (`message`). */
export type FieldIssue = v.InferOutput<typeof FieldIssueSchema>
