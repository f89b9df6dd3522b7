import type { AttemptRecord, DeliveryJob } from '../queue/delivery-queue'
import type { StoredSubscription } from '../store/subscription-store'

// The one factory of stored subscriptions, delivery jobs and attempt records for rh's tests and
// suites. Not part of the public `@rh/server/testing` API.

const run = String(Math.floor(Math.random() * 100_000)).padStart(5, '0')
let counter = 0

/**
 * A fresh id: `<prefix>_` then 26 digits (time, a per-process run tag, a counter), sortable by
 * creation order like the server's ULIDs and unique per process, so durable stores and queues
 * sharing a database do not collide.
 *
 * @example
 * nextId('sub') // 'sub_17356896000001234500000001'
 */
export const nextId = (prefix: string): string =>
  `${prefix}_${String(Date.now()).padStart(13, '0')}${run}${String(++counter).padStart(8, '0')}`

/**
 * A stored subscription with sensible defaults: alice's active subscription to `post.created`.
 *
 * @example
 * await store.create(subscription({ target_url: receiver.url }))
 */
export function subscription(overrides: Partial<StoredSubscription> = {}): StoredSubscription {
  return {
    id: nextId('sub'),
    owner: 'alice',
    target_url: 'https://consumer.example/hooks',
    events: ['post.created'],
    status: 'active',
    metadata: {},
    secret: null,
    consecutive_failures: 0,
    created_at: '2025-01-01T00:00:00.000Z',
    updated_at: '2025-01-01T00:00:00.000Z',
    ...overrides,
  }
}

/**
 * A delivery job due at `at` with sensible defaults (subscription `sub_1`).
 *
 * @example
 * await queue.enqueue([job(0), job(5, { subscription_id: 'sub_2' })])
 */
export function job(at: number, overrides: Partial<DeliveryJob> = {}): DeliveryJob {
  return {
    id: nextId('dlv'),
    message_id: nextId('msg'),
    subscription_id: 'sub_1',
    owner: 'alice',
    event: 'post.created',
    body: '{"type":"post.created","timestamp":"2025-01-01T00:00:00.000Z","data":{"n":1}}',
    attempt: 0,
    next_attempt_at: at,
    created_at: at,
    ...overrides,
  }
}

/**
 * A failed first attempt record with sensible defaults.
 *
 * @example
 * await queue.recordAttempt(attempt({ outcome: 'delivered', response_status: 204 }))
 */
export function attempt(overrides: Partial<AttemptRecord> = {}): AttemptRecord {
  return {
    id: nextId('atm'),
    subscription_id: nextId('sub'),
    owner: 'alice',
    message_id: nextId('msg'),
    event: 'post.created',
    attempt: 1,
    outcome: 'failed',
    response_status: 500,
    error: null,
    response_excerpt: '{"error":"db down"}',
    duration_ms: 12,
    started_at: '2025-01-01T00:00:00.000Z',
    next_attempt_at: '2025-01-01T00:00:05.000Z',
    ...overrides,
  }
}
