import { afterEach, describe, expect, it } from 'vitest'
import { createResthooks } from './create-resthooks'
import { api, bearerOwner } from './testing/api'
import { manualClock } from './testing/manual-clock'

// `ordering` through the subscription API: set at create and by PATCH, returned on reads,
// absent by default, anything else refused with the path of the bad member.

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setup() {
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
    clock: manualClock(Date.parse('2025-01-31T12:00:00.000Z')),
    onError: () => {},
    // No receiver needed: the target is never called.
    handshake: false,
  })
  cleanups.push(() => rh.close({ graceMs: 0 }))
  return rh
}

const target = 'http://127.0.0.1:9/hooks'

describe('subscription ordering', () => {
  it("is absent by default, 'fifo' when asked, and returned by get and list", async () => {
    const rh = setup()
    const plain = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'] },
    })
    expect(plain.status, plain.text).toBe(201)
    expect(plain.json).not.toHaveProperty('ordering')
    const ordered = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'], ordering: 'fifo' },
    })
    expect(ordered.status, ordered.text).toBe(201)
    expect(ordered.json.ordering).toBe('fifo')
    const read = await api(rh, 'GET', `/subscriptions/${ordered.json.id}`)
    expect(read.json.ordering).toBe('fifo')
    const list = await api(rh, 'GET', '/subscriptions')
    const listed = list.json.data as Array<{ id: string; ordering?: string }>
    expect(listed.find((s) => s.id === ordered.json.id)?.ordering).toBe('fifo')
    expect(listed.find((s) => s.id === plain.json.id)).not.toHaveProperty('ordering')
    const explicit = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'], ordering: 'none' },
    })
    expect(explicit.status).toBe(201)
    expect(explicit.json).not.toHaveProperty('ordering')
  })

  it('is changed by PATCH and kept by other patches', async () => {
    const rh = setup()
    const created = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'] },
    })
    const path = `/subscriptions/${created.json.id}`
    const ordered = await api(rh, 'PATCH', path, { body: { ordering: 'fifo' } })
    expect(ordered.status, ordered.text).toBe(200)
    expect(ordered.json.ordering).toBe('fifo')
    const paused = await api(rh, 'PATCH', path, { body: { status: 'paused' } })
    expect(paused.json.ordering).toBe('fifo')
    const unordered = await api(rh, 'PATCH', path, { body: { ordering: 'none' } })
    expect(unordered.json).not.toHaveProperty('ordering')
    expect((await api(rh, 'GET', path)).json).not.toHaveProperty('ordering')
  })

  it('refuses any other value with 422 invalid_request and the path', async () => {
    const rh = setup()
    const created = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'], ordering: 'lifo' },
    })
    expect(created.status).toBe(422)
    expect(created.json.code).toBe('invalid_request')
    expect(created.json.errors).toEqual([expect.objectContaining({ path: 'ordering' })])
    const existing = await api(rh, 'POST', '/subscriptions', {
      body: { target_url: target, events: ['post.created'] },
    })
    const patched = await api(rh, 'PATCH', `/subscriptions/${existing.json.id}`, {
      body: { ordering: true },
    })
    expect(patched.status).toBe(422)
    expect(patched.json.errors).toEqual([expect.objectContaining({ path: 'ordering' })])
  })
})
