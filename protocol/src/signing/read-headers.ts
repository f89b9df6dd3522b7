import { ProtocolError } from './protocol-error'

/**
 * Request headers as Fetch gives them (`Headers`) or as a plain record in any header-name case,
 * with array values (Node's `IncomingHttpHeaders`, a framework's header map).
 */
export type HeadersLike = Headers | Readonly<Record<string, string | readonly string[] | undefined>>

/** The three Standard Webhooks headers, raw. */
export interface WebhookHeaderValues {
  id: string
  timestamp: string
  signature: string
}

const NAMES = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const
type Name = (typeof NAMES)[number]

/**
 * Reads `webhook-id`, `webhook-timestamp` and `webhook-signature`. Several values of the
 * signature (repeated header lines) form one list; several different values of the id or the
 * timestamp are ambiguous and rejected.
 *
 * @example
 * readWebhookHeaders(request.headers).signature // 'v1,K5oZ...='
 */
export function readWebhookHeaders(headers: HeadersLike): WebhookHeaderValues {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('headers must be a Headers object or a record of header values')
  }
  const values: Record<Name, string[]> = {
    'webhook-id': [],
    'webhook-timestamp': [],
    'webhook-signature': [],
  }
  if (typeof (headers as Headers).get === 'function') {
    for (const name of NAMES) {
      const value = (headers as Headers).get(name)
      if (value !== null) values[name].push(value)
    }
  } else {
    for (const key in headers) {
      const name = key.toLowerCase() as Name
      if (!(name in values)) continue
      const value = (headers as Record<string, unknown>)[key]
      if (value === undefined) continue
      for (const item of Array.isArray(value) ? value : [value]) {
        if (typeof item !== 'string') {
          throw new ProtocolError('invalid_header', `${name} must be a string or a list of strings`)
        }
        values[name].push(item)
      }
    }
  }
  return {
    id: single(values, 'webhook-id'),
    timestamp: single(values, 'webhook-timestamp'),
    signature:
      values['webhook-signature']
        .map((value) => value.trim())
        .filter((value) => value !== '')
        .join(' ') || missing('webhook-signature'),
  }
}

function single(values: Record<Name, string[]>, name: Name): string {
  const [first, ...rest] = values[name].map((value) => value.trim()).filter((value) => value !== '')
  if (first === undefined) return missing(name)
  if (rest.some((value) => value !== first)) {
    throw new ProtocolError('invalid_header', `${name} has several different values`)
  }
  return first
}

function missing(name: Name): never {
  throw new ProtocolError('missing_header', `the ${name} header is missing or empty`)
}
