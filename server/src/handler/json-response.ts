import { jsonTextResponse } from '../../../internal/json-text-response'

/**
 * A JSON response with its `Content-Length`, so an adapter can write it in one piece
 * (`@rh/server/node` sends it with a single `end()`). The body is given as a string: the
 * platform encodes it once, which costs less than handing it bytes it copies.
 *
 * @example
 * return jsonResponse({ id }, 201, { location: `subscriptions/${id}` })
 */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers: Record<string, string> = {},
  type = 'application/json',
): Response {
  return jsonTextResponse(JSON.stringify(body), status, { 'content-type': type, ...headers })
}
