/** How one attempt ended, before the retry policy decides what comes next. */
export type AttemptVerdict =
  | { kind: 'delivered' }
  | { kind: 'gone' }
  | { kind: 'failed'; error: string | null; retryable: boolean }

// Shared, frozen: a verdict is read, never changed, and one is made per attempt.
const DELIVERED: AttemptVerdict = Object.freeze({ kind: 'delivered' })
const GONE: AttemptVerdict = Object.freeze({ kind: 'gone' })

/**
 * What a receiver's status means. Every failure is retryable: a receiver that is down, slow,
 * broken or rate limiting may recover, and the retry policy bounds the cost. Only two statuses
 * are final: 2xx (done) and 410 (the receiver removed the subscription).
 *
 * - 2xx: delivered.
 * - 410 Gone: the subscription is deleted and its pending deliveries dropped.
 * - 3xx: a failure, never followed (a redirect could point anywhere, e.g. at the metadata service).
 * - anything else (4xx, 5xx, 1xx): a failure, retried; 429 and 503 may carry `Retry-After`.
 *
 * @example
 * classifyStatus(204) // { kind: 'delivered' }
 * classifyStatus(302) // { kind: 'failed', error: 'redirect not followed', retryable: true }
 */
export function classifyStatus(status: number): AttemptVerdict {
  if (status >= 200 && status < 300) return DELIVERED
  if (status === 410) return GONE
  if (status >= 300 && status < 400) {
    return { kind: 'failed', error: 'redirect not followed', retryable: true }
  }
  return { kind: 'failed', error: null, retryable: true }
}
