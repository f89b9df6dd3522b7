import * as v from 'valibot'

/**
 * Every problem code rh's API answers with, its HTTP status and title: the one table the server
 * renders from and the client reads.
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
  unavailable: { status: 503, title: 'Service unavailable' },
  internal: { status: 500, title: 'Internal error' },
} as const satisfies Record<string, { status: number; title: string }>

export type ProblemCode = keyof typeof problemCodes

/** The `type` URI of a problem code. */
export const problemType = (code: string): string => `urn:rh:problem:${code}`

/** An RFC 9457 problem document as rh sends it. Extra members are allowed by the RFC. */
export const ProblemSchema = v.looseObject({
  type: v.string(),
  title: v.string(),
  status: v.number(),
  detail: v.optional(v.string()),
  instance: v.optional(v.string()),
  code: v.string(),
  errors: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
})

export type Problem = v.InferOutput<typeof ProblemSchema>
