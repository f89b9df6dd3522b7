import { defaultRetryPolicy, type RetryPolicy } from './retry-policy'

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE

/**
 * Named retry schedules, to pass as `retry`:
 * - `goResthooks` (the default): retries after 5 s, 15 s and 45 s, as go-resthooks. A receiver
 *   down for more than about a minute misses the message (replay it afterwards).
 * - `standardWebhooks`: the Standard Webhooks schedule, for production: the first attempt at
 *   once, then retries after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, so a receiver may be
 *   down for about a day and still get everything.
 *
 * Both spread each delay by ±10 % (`jitter`), so retries after an outage do not stampede.
 *
 * @example
 * import { createResthooks, retrySchedules } from '@rh/server'
 *
 * const rh = createResthooks({ authenticate, retry: retrySchedules.standardWebhooks })
 */
export const retrySchedules: Readonly<{
  goResthooks: Readonly<RetryPolicy>
  standardWebhooks: Readonly<RetryPolicy>
}> = Object.freeze({
  goResthooks: defaultRetryPolicy,
  standardWebhooks: Object.freeze({
    ...defaultRetryPolicy,
    delays: Object.freeze([
      5 * SECOND,
      5 * MINUTE,
      30 * MINUTE,
      2 * HOUR,
      5 * HOUR,
      10 * HOUR,
      10 * HOUR,
    ]),
    retries: 7,
    maxDelay: 10 * HOUR,
  }),
})
