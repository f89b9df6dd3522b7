/**
 * When to try again, as data. Attempt `n` (1-based) that fails is retried after
 * `min(initialDelay * factor^(n-1), maxDelay)`, spread by up to `±jitter` of itself, until
 * `retries` retries were made; or, with `delays`, after the `n`th listed delay until the list
 * runs out.
 *
 * @example
 * const policy: RetryPolicy = { retries: 3, initialDelay: 5000, factor: 3, maxDelay: 3_600_000, jitter: 0.1 }
 */
export interface RetryPolicy {
  /**
   * The schedule as a list, in ms: the delay before each retry (`[5000, 300_000]` retries after
   * 5 s, then 5 min, then gives up). When set, it replaces `retries`, `initialDelay` and
   * `factor`; given without `maxDelay`, `maxDelay` grows to its longest delay.
   */
  delays?: readonly number[] | undefined
  /** Retries after the first attempt; 3 gives 4 attempts in all. */
  retries: number
  /** Delay before the first retry, in ms. */
  initialDelay: number
  /** Each retry waits this many times longer than the previous one. */
  factor: number
  /** No delay exceeds this, Retry-After included, in ms. */
  maxDelay: number
  /** Fraction of the delay added or removed at random (0.1 = ±10 %), so retries do not stampede. */
  jitter: number
}

/**
 * go-resthooks' schedule: retries after 5 s, 15 s and 45 s (±10 %), at most one hour apart.
 *
 * @example
 * const policy = { ...defaultRetryPolicy, retries: 5 }
 */
export const defaultRetryPolicy: Readonly<RetryPolicy> = Object.freeze({
  retries: 3,
  initialDelay: 5000,
  factor: 3,
  maxDelay: 3_600_000,
  jitter: 0.1,
})

/**
 * The policy an engine runs with: `defaultRetryPolicy` overridden by `retry`. A `delays` list
 * given without `maxDelay` raises `maxDelay` to its longest delay, so no listed delay is cut
 * short.
 *
 * @example
 * resolveRetryPolicy({ retries: 5 }) // 5 s, 15 s, 45 s, 135 s, 405 s
 * resolveRetryPolicy(retrySchedules.standardWebhooks)
 */
export function resolveRetryPolicy(retry: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy: RetryPolicy = { ...defaultRetryPolicy, ...retry }
  if (retry.delays && retry.maxDelay === undefined) {
    policy.maxDelay = Math.max(policy.maxDelay, ...retry.delays)
  }
  return policy
}

/**
 * The delay before retrying after failed attempt `attempt` (1-based), or `null` when no retry is
 * left.
 *
 * @example
 * retryDelay({ ...defaultRetryPolicy, jitter: 0 }, 2) // 15000
 * retryDelay(defaultRetryPolicy, 4) // null
 */
export function retryDelay(
  policy: RetryPolicy,
  attempt: number,
  random: () => number = Math.random,
): number | null {
  const listed = policy.delays
  if (attempt > (listed ? listed.length : policy.retries)) return null
  const scheduled = listed
    ? (listed[attempt - 1] as number)
    : policy.initialDelay * policy.factor ** (attempt - 1)
  const base = Math.min(scheduled, policy.maxDelay)
  const spread = base * policy.jitter * (random() * 2 - 1)
  return Math.max(0, Math.min(Math.round(base + spread), policy.maxDelay))
}

/**
 * A `Retry-After` header as a delay in ms from `now`: delta-seconds or an HTTP date. `null` when
 * absent or unreadable.
 *
 * @example
 * parseRetryAfter('120', Date.now()) // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.now()) // ms until then, at least 0
 */
export function parseRetryAfter(value: string | undefined, now: number): number | null {
  if (value === undefined) return null
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  if (!/^[a-z]{3}, /i.test(text)) return null // an HTTP date starts with the day name
  const date = Date.parse(text)
  return Number.isNaN(date) ? null : Math.max(0, date - now)
}

/**
 * Statuses whose `Retry-After` the engine honours, bounded to [the scheduled delay, maxDelay].
 */
export const retryAfterStatuses: ReadonlySet<number> = new Set([
  429, // Too Many Requests: the receiver says when it can take more
  503, // Service Unavailable: down for maintenance until then
])
