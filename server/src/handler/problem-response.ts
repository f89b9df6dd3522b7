import { ResthooksError } from '../errors'
import { jsonResponse } from './json-response'

/**
 * The one place a {@link ResthooksError} becomes an HTTP response: RFC 9457
 * `application/problem+json` with the status of its code. Anything else is a fault of the server
 * and is answered `500 internal` without a word about what went wrong.
 *
 * @example
 * return problemResponse(new ResthooksError('not_found', 'no such subscription'))
 */
export function problemResponse(error: unknown, headers: Record<string, string> = {}): Response {
  const known =
    error instanceof ResthooksError
      ? error
      : new ResthooksError('internal', 'the server failed to handle the request')
  return jsonResponse(known.toProblem(), known.status, headers, 'application/problem+json')
}
