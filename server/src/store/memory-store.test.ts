import { describe, expect, it } from 'vitest'
import { newId } from '../ids'
import { subscriptionStoreSuite } from '../testing/subscription-store-suite'
import { memoryStore } from './memory-store'

subscriptionStoreSuite('memoryStore', async () => memoryStore())

describe('memoryStore', () => {
  it('refuses a second subscription with the same id', async () => {
    const store = memoryStore()
    const subscription = {
      id: newId('sub'),
      owner: 'alice',
      events: ['post.created'],
      target_url: 'https://consumer.example/hooks',
      status: 'active' as const,
      metadata: {},
      secret: null,
      consecutive_failures: 0,
      created_at: '2025-01-31T12:00:00.000Z',
      updated_at: '2025-01-31T12:00:00.000Z',
    }
    await store.create(subscription)
    await expect(store.create({ ...subscription, owner: 'bob' })).rejects.toThrow(/duplicate/)
    expect(await store.get('bob', subscription.id)).toBeNull()
  })
})
