import type { DeliveryJob } from '../server/src/queue/delivery-queue'
import type { StoredSubscription } from '../server/src/store/subscription-store'

let counter = 0
/** A fresh subscription id, sortable by creation order like the server's ULIDs. */
export const nextId = (prefix: string) =>
  `${prefix}_01J${String(Date.now()).padStart(15, '0')}${String(counter++).padStart(8, '0')}`

/** A stored subscription with sensible defaults. */
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

/** A delivery job due at `at` with sensible defaults. */
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
