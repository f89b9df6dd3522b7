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

type Name = 'webhook-id' | 'webhook-timestamp' | 'webhook-signature'

/**
 * Reads `webhook-id`, `webhook-timestamp` and `webhook-signature`. Several values of the
 * signature (repeated header lines) form one list; several different values of the id or the
 * timestamp are ambiguous and rejected. Values are trimmed; empty values count as absent.
 *
 * @example
 * readWebhookHeaders(request.headers).signature // 'v1,K5oZ...='
 */
export function readWebhookHeaders(headers: HeadersLike): WebhookHeaderValues {
  if (headers === null || typeof headers !== 'object') {
    throw new TypeError('headers must be a Headers object or a record of header values')
  }
  const read = new Reader()
  if (typeof (headers as Headers).get === 'function') {
    const fetchHeaders = headers as Headers
    read.add('webhook-id', fetchHeaders.get('webhook-id') ?? undefined)
    read.add('webhook-timestamp', fetchHeaders.get('webhook-timestamp') ?? undefined)
    read.add('webhook-signature', fetchHeaders.get('webhook-signature') ?? undefined)
  } else {
    const record = headers as Record<string, unknown>
    for (const key in record) {
      // Header names are short; only lower-case the ones that can match.
      if (key.length < 10 || key.length > 17) continue
      const name = key.toLowerCase()
      if (name !== 'webhook-id' && name !== 'webhook-timestamp' && name !== 'webhook-signature') {
        continue
      }
      const value = record[key]
      if (Array.isArray(value)) for (const item of value) read.add(name, item)
      else read.add(name, value)
    }
  }
  if (read.id === undefined && read.timestamp === undefined && read.signature === undefined) {
    throw new ProtocolError(
      'unsigned_sender',
      'no Standard Webhooks headers at all (webhook-id, webhook-timestamp, webhook-signature): the sender does not sign its webhooks, so they cannot be verified',
    )
  }
  return {
    id: read.id ?? missing('webhook-id'),
    timestamp: read.timestamp ?? missing('webhook-timestamp'),
    signature: read.signature ?? missing('webhook-signature'),
  }
}

class Reader {
  id: string | undefined
  timestamp: string | undefined
  signature: string | undefined

  add(name: Name, raw: unknown): void {
    if (raw === undefined) return
    if (typeof raw !== 'string') {
      throw new ProtocolError('invalid_header', `${name} must be a string or a list of strings`)
    }
    const value = raw.trim()
    if (value === '') return
    if (name === 'webhook-signature') {
      this.signature = this.signature === undefined ? value : `${this.signature} ${value}`
    } else if (name === 'webhook-id') {
      this.id = same(name, this.id, value)
    } else {
      this.timestamp = same(name, this.timestamp, value)
    }
  }
}

function same(name: Name, previous: string | undefined, value: string): string {
  if (previous !== undefined && previous !== value) {
    throw new ProtocolError('invalid_header', `${name} has several different values`)
  }
  return value
}

function missing(name: Name): never {
  throw new ProtocolError('missing_header', `the ${name} header is missing or empty`)
}
