/**
 * The numbers PROTOCOL.md fixes, in one place, so the server, the client and the conformance
 * suite agree on them.
 */

/**
 * Largest subscription API request body a server accepts, in bytes (64 KiB); more is 413.
 *
 * @example
 * if (Number(request.headers.get('content-length')) > MAX_REQUEST_BODY_BYTES) throw tooLarge()
 */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024

/**
 * Most bytes of a receiver's response body a server reads; the rest is discarded.
 *
 * @example
 * const text = await readAtMost(response.body, MAX_RESPONSE_BODY_BYTES)
 */
export const MAX_RESPONSE_BODY_BYTES = 64 * 1024

/**
 * Most characters of a receiver's response body an attempt keeps, trimmed, as its
 * `response_excerpt`.
 *
 * @example
 * const excerpt = body.trim().slice(0, RESPONSE_EXCERPT_MAX_LENGTH) || null
 */
export const RESPONSE_EXCERPT_MAX_LENGTH = 256

/**
 * How far a `webhook-timestamp` may be from the verifier's clock, in seconds, either way.
 *
 * @example
 * const fresh = Math.abs(nowSeconds - timestamp) <= DEFAULT_TOLERANCE_SECONDS
 */
export const DEFAULT_TOLERANCE_SECONDS = 300

/**
 * Default time limit of one delivery or handshake attempt, in milliseconds.
 *
 * @example
 * await fetch(target, { signal: AbortSignal.timeout(DEFAULT_ATTEMPT_TIMEOUT_MS) })
 */
export const DEFAULT_ATTEMPT_TIMEOUT_MS = 10_000

/**
 * Default longest `Retry-After` a server honours, in milliseconds (1 hour); longer is clamped.
 *
 * @example
 * const wait = Math.min(retryAfterMs, DEFAULT_MAX_RETRY_AFTER_MS)
 */
export const DEFAULT_MAX_RETRY_AFTER_MS = 3_600_000

/**
 * Default number of consecutive failed deliveries after which a subscription is disabled.
 *
 * @example
 * if (failures >= DEFAULT_DISABLE_AFTER_FAILURES) status = 'disabled'
 */
export const DEFAULT_DISABLE_AFTER_FAILURES = 10

/**
 * The default retry schedule: after the first attempt, 3 retries 5 s, 15 s and 45 s later
 * (`initialDelay * factor ** (n - 1)` for retry n), each delay capped at `maxDelay` and
 * multiplied by a random factor in `[1 - jitter, 1 + jitter]`.
 *
 * @example
 * const { initialDelay, factor, maxDelay } = DEFAULT_RETRY_SCHEDULE
 * const delay = (n: number) => Math.min(initialDelay * factor ** (n - 1), maxDelay) // 5000, 15000, 45000
 */
export const DEFAULT_RETRY_SCHEDULE = {
  retries: 3,
  initialDelay: 5_000,
  factor: 3,
  maxDelay: 3_600_000,
  jitter: 0.1,
} as const
