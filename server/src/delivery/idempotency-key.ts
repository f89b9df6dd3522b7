import { ResthooksError } from '../errors'

/** 1..255 printable ASCII characters (space to `~`). */
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/

/**
 * Whether `key` is a usable idempotency key: 1..255 printable ASCII characters.
 *
 * @example
 * isIdempotencyKey('order-42-paid') // true
 * isIdempotencyKey('') // false
 */
export function isIdempotencyKey(key: unknown): key is string {
  return typeof key === 'string' && IDEMPOTENCY_KEY.test(key)
}

/**
 * The idempotency key of a `notify`, or `null` without one; throws
 * `ResthooksError('invalid_request')` for a key that is not 1..255 printable ASCII characters.
 *
 * @example
 * const key = idempotencyKeyOf(options.idempotencyKey) // 'order-42-paid' or null
 */
export function idempotencyKeyOf(key: unknown): string | null {
  if (key === undefined) return null
  if (isIdempotencyKey(key)) return key
  throw new ResthooksError(
    'invalid_request',
    'idempotencyKey must be 1..255 printable ASCII characters',
    { errors: [{ path: 'idempotencyKey', message: 'must be 1..255 printable ASCII characters' }] },
  )
}
