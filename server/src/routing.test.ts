import { describe, expect, it } from 'vitest'
import { api } from './testing/api'
import { manualClock } from './testing/manual-clock'
import { type EngineOnReceiver, resthooksTestKit } from './testing/resthooks-kit'

// Routing end to end: createResthooks on memory storage, real receivers on 127.0.0.1, a manual
// clock. Event patterns (`order.*`, `*`), the catalogue, and payload filters.

const start = Date.parse('2025-01-31T12:00:00.000Z')

const { setup } = resthooksTestKit(start)
type Setup = EngineOnReceiver

async function subscribe(s: Setup, body: Record<string, unknown>): Promise<string> {
  const created = await api(s.rh, 'POST', '/subscriptions', {
    body: { target_url: s.target.url, ...body },
  })
  expect(created.status, created.text).toBe(201)
  return created.json.id
}

/** Notifies and waits for every delivery; the subscription ids delivered to, sorted. */
async function deliveredTo(s: Setup, event: string, data: unknown = {}): Promise<string[]> {
  const receipt = await s.rh.notify('alice', event, data)
  const ids: string[] = []
  for (let n = 0; n < receipt.deliveries; n++) ids.push((await s.next()).subscription_id)
  return ids.sort()
}

describe('event patterns', () => {
  it('delivers to order.* on one or more segments below order, and to * on everything', async () => {
    const s = await setup()
    const orders = await subscribe(s, { events: ['order.*'] })
    const everything = await subscribe(s, { events: ['*'] })
    const exact = await subscribe(s, { events: ['order.created'] })
    expect(await deliveredTo(s, 'order.created')).toEqual([orders, everything, exact].sort())
    expect(await deliveredTo(s, 'order.created.v2')).toEqual([orders, everything].sort())
    expect(await deliveredTo(s, 'order')).toEqual([everything])
    expect(await deliveredTo(s, 'invoice.paid')).toEqual([everything])
  })

  it('delivers once to a subscription naming an event and a pattern taking it', async () => {
    const s = await setup()
    const both = await subscribe(s, { events: ['order.created', 'order.*'] })
    expect(await deliveredTo(s, 'order.created')).toEqual([both])
  })

  it('refuses a * anywhere but as the whole last segment', async () => {
    const s = await setup()
    for (const [i, event] of ['order*', '*.created', 'order.*.v2', '**'].entries()) {
      const refused = await api(s.rh, 'POST', '/subscriptions', {
        body: { target_url: s.target.url, events: ['post.created', event] },
      })
      expect(refused.status, event).toBe(422)
      expect(refused.json.code, `${i}`).toBe('invalid_request')
      expect(refused.json.errors[0].path).toBe('events.1')
    }
  })

  it('accepts a pattern only when it takes at least one event of the catalogue', async () => {
    const s = await setup({ events: ['order.created', 'order.paid', 'invoice.paid'] })
    await subscribe(s, { events: ['order.*'] })
    await subscribe(s, { events: ['*'] })
    const refused = await api(s.rh, 'POST', '/subscriptions', {
      body: { target_url: s.target.url, events: ['order.*', 'shipment.*', 'order.created.*'] },
    })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('unknown_event')
    expect(refused.json.errors.map((e: { path: string }) => e.path)).toEqual([
      'events.1',
      'events.2',
    ])
  })

  it('lists, for ?event=, the subscriptions a notify of it would reach', async () => {
    const s = await setup()
    const orders = await subscribe(s, { events: ['order.*'] })
    await subscribe(s, { events: ['invoice.paid'] })
    const listed = await api(s.rh, 'GET', '/subscriptions?event=order.created')
    expect(listed.json.data.map((item: { id: string }) => item.id)).toEqual([orders])
  })

  it("replays 'all' the messages its pattern takes", async () => {
    const clock = manualClock(start)
    const s = await setup({ clock })
    await s.rh.notify('alice', 'order.created', {})
    await s.rh.notify('alice', 'order.created.v2', {})
    await s.rh.notify('alice', 'invoice.paid', {})
    const orders = await subscribe(s, { events: ['order.*'] })
    await clock.advance(1000)
    const replayed = await api(s.rh, 'POST', `/subscriptions/${orders}/replay`, {
      body: { since: new Date(start - 1000).toISOString(), status: 'all' },
    })
    expect(replayed.status, replayed.text).toBe(202)
    expect(replayed.json.replayed).toBe(2)
    const types = [await s.next(), await s.next()].map((r) => r.event).sort()
    expect(types).toEqual(['order.created', 'order.created.v2'])
  })
})

describe('payload filters', () => {
  const big = { and: [{ path: 'amount', gte: 100 }, { not: { path: 'customer.test', eq: true } }] }

  it('delivers only the messages whose data passes the filter', async () => {
    const s = await setup()
    const all = await subscribe(s, { events: ['order.created'] })
    const filtered = await subscribe(s, { events: ['order.created'], filter: big })
    expect(await deliveredTo(s, 'order.created', { amount: 50 })).toEqual([all])
    expect(await deliveredTo(s, 'order.created', { amount: 150 })).toEqual([all, filtered].sort())
    const test = { amount: 150, customer: { test: true } }
    expect(await deliveredTo(s, 'order.created', test)).toEqual([all])
    expect(await deliveredTo(s, 'order.created', 'not an object')).toEqual([all])
  })

  it('sees data as it is sent: a Date compares as its ISO string', async () => {
    const s = await setup()
    const recent = await subscribe(s, {
      events: ['order.created'],
      filter: { path: 'at', gte: '2025-01-01T00:00:00.000Z' },
    })
    expect(await deliveredTo(s, 'order.created', { at: new Date('2025-02-01') })).toEqual([recent])
    expect(await deliveredTo(s, 'order.created', { at: new Date('2024-02-01') })).toEqual([])
  })

  it('returns the filter on reads, and sets and removes it by PATCH', async () => {
    const s = await setup()
    const id = await subscribe(s, { events: ['order.created'], filter: big })
    expect((await api(s.rh, 'GET', `/subscriptions/${id}`)).json.filter).toEqual(big)
    const replaced = { path: 'currency', in: ['EUR', 'USD'] }
    const patched = await api(s.rh, 'PATCH', `/subscriptions/${id}`, { body: { filter: replaced } })
    expect(patched.json.filter).toEqual(replaced)
    expect(await deliveredTo(s, 'order.created', { currency: 'GBP' })).toEqual([])
    const removed = await api(s.rh, 'PATCH', `/subscriptions/${id}`, { body: { filter: null } })
    expect(removed.status).toBe(200)
    expect(removed.json).not.toHaveProperty('filter')
    expect(await deliveredTo(s, 'order.created', { currency: 'GBP' })).toEqual([id])
  })

  it('answers 422 invalid_request with the path of the bad clause', async () => {
    const s = await setup()
    const cases: Array<[unknown, string]> = [
      [
        {
          and: [
            { path: 'a', eq: 1 },
            { path: 'b', gt: {} },
          ],
        },
        'filter.and.1.gt',
      ],
      [
        { or: [{ path: 'a', exists: true }, { not: { path: 'a..b', eq: 1 } }] },
        'filter.or.1.not.path',
      ],
      [{ path: 'a' }, 'filter'],
      [{ path: 'a', eq: 1, run: 'code' }, 'filter.run'],
      [{ and: [] }, 'filter.and'],
      [{ and: ['x'] }, 'filter.and.0'],
      [{ path: 'a', in: [{}] }, 'filter.in.0'],
    ]
    for (const [filter, path] of cases) {
      const refused = await api(s.rh, 'POST', '/subscriptions', {
        body: { target_url: s.target.url, events: ['order.created'], filter },
      })
      expect(refused.status, JSON.stringify(filter)).toBe(422)
      expect(refused.json.code).toBe('invalid_request')
      expect(refused.json.errors.map((e: { path: string }) => e.path)).toContain(path)
    }
  })

  it('refuses a filter nested too deep or too large, without a deep walk', async () => {
    const s = await setup()
    // Written out: 8,000 levels (near the body limit) are too deep for JSON.stringify here.
    const levels = 8000
    const deep = `{"filter":${'{"not":'.repeat(levels)}{"path":"a","eq":1}${'}'.repeat(levels)}}`
    const wide = { or: Array.from({ length: 65 }, (_, i) => ({ path: `f${i}`, eq: i })) }
    for (const body of [deep, { filter: wide }]) {
      const id = await subscribe(s, { events: ['a'] })
      const refused = await api(s.rh, 'PATCH', `/subscriptions/${id}`, { body })
      expect(refused.status).toBe(422)
      expect(refused.json.errors[0].path).toBe('filter')
      expect(refused.json.errors[0].message).toMatch(/at most/)
    }
  })
})
