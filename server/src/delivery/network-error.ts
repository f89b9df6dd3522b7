import { TARGET_REFUSED } from '../ssrf/refused'

/** Error codes of Node, undici, Bun and Deno, and what rh records for them. */
const knownCodes: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ConnectionRefused: 'connection refused',
  ECONNRESET: 'connection reset',
  ConnectionClosed: 'connection reset',
  EPIPE: 'connection reset',
  UND_ERR_SOCKET: 'connection reset',
  UND_ERR_CLOSED: 'connection reset',
  ERR_STREAM_PREMATURE_CLOSE: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  ETIMEDOUT: 'timeout',
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
}

/**
 * A short, stable description of why an attempt got no response: `timeout` once the deadline
 * `signal` fired, else a known network error (`connection refused`, `connection reset`, ...),
 * else the error's message.
 *
 * @example
 * describeNetworkError(error, signal) // 'connection refused'
 */
export function describeNetworkError(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'timeout'
  const messages: string[] = []
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, message, cause } = current as {
      code?: unknown
      message?: unknown
      cause?: unknown
    }
    if (code === TARGET_REFUSED && typeof message === 'string') return message
    if (typeof code === 'string' && knownCodes[code]) return knownCodes[code]
    if (typeof message === 'string') messages.push(message)
    current = cause
  }
  const text = messages.join(': ')
  if (/refused/i.test(text)) return 'connection refused'
  if (/reset|closed|hang up|socket|broken pipe|terminated|EOF/i.test(text))
    return 'connection reset'
  if (/timed? ?out/i.test(text)) return 'timeout'
  return text === '' ? 'network error' : `network error: ${text}`
}

/**
 * The first error code (`ECONNREFUSED`, `UND_ERR_SOCKET`, ...) in an error's `cause` chain, or
 * `undefined`: what to search for when the description is not enough.
 *
 * @example
 * networkErrorCode(new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })) // 'ECONNREFUSED'
 */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const { code, cause } = current as { code?: unknown; cause?: unknown }
    if (typeof code === 'string' && code !== TARGET_REFUSED) return code
    current = cause
  }
  return undefined
}
