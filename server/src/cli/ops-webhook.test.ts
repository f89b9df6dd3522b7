import { describe, expect, it } from 'vitest'
import { operationalEventTypes } from '../delivery/operational-events'
import { memoryStore } from '../store/memory-store'
import { parseApiKeys } from './api-keys'
import { ensureOpsSubscription, OPS_OWNER } from './ops-webhook'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const now = Date.parse('2026-01-05T10:00:00Z')

describe('ensureOpsSubscription', () => {
  it('creates one active subscription of the ops owner to every operational event', async () => {
    const store = memoryStore()
    const id = await ensureOpsSubscription(store, { url: 'https://ops.example/rh', secret }, now)
    expect(await store.get(OPS_OWNER, id)).toMatchObject({
      owner: OPS_OWNER,
      target_url: 'https://ops.example/rh',
      events: [...operationalEventTypes],
      status: 'active',
      secret,
      consecutive_failures: 0,
    })
    expect(await store.match(OPS_OWNER, 'delivery.exhausted')).toHaveLength(1)
  })

  it('keeps the subscription of the same URL across starts, re-enabled and with the new secret', async () => {
    const store = memoryStore()
    const webhook = { url: 'https://ops.example/rh', secret }
    const id = await ensureOpsSubscription(store, webhook, now)
    await store.update(OPS_OWNER, id, {
      status: 'disabled',
      consecutive_failures: 10,
      updated_at: new Date(now).toISOString(),
    })
    const again = await ensureOpsSubscription(store, { ...webhook, secret: null }, now + 1000)
    expect(again).toBe(id)
    expect(await store.get(OPS_OWNER, id)).toMatchObject({
      status: 'active',
      consecutive_failures: 0,
      secret: null,
    })
  })

  it('replaces the subscription of an older URL', async () => {
    const store = memoryStore()
    const old = await ensureOpsSubscription(store, { url: 'https://old.example/rh', secret }, now)
    const id = await ensureOpsSubscription(store, { url: 'https://new.example/rh', secret }, now)
    expect(id).not.toBe(old)
    const { items } = await store.list(OPS_OWNER, { limit: 10 })
    expect(items.map((subscription) => subscription.target_url)).toEqual(['https://new.example/rh'])
  })

  it('uses an owner no API key can be', () => {
    expect(() => parseApiKeys(`${OPS_OWNER}:key`)).not.toThrow()
    expect(parseApiKeys(`${OPS_OWNER}:key`)[0]?.owner).not.toBe(OPS_OWNER)
  })
})
