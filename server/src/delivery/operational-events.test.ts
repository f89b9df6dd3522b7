import { afterEach, describe, expect, it } from 'vitest'
import { createResthooks, type Resthooks, type ResthooksOptions } from '../create-resthooks'
import { api, bearerOwner } from '../testing/api'
import { manualClock } from '../testing/manual-clock'
import { type HookReceiver, startHookReceiver } from '../testing/receiver'
import { defaultFailingAfter, type OperationalEvent } from './operational-events'
import type { DeliveryResult } from './types'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const start = Date.parse('2026-01-05T10:00:00Z')

function setup(options: Partial<ResthooksOptions> = {}) {
  const clock = manualClock(start)
  const told: OperationalEvent[] = []
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
    handshake: false,
    clock,
    retry: { retries: 1, initialDelay: 5000, jitter: 0 },
    onOperationalEvent: (event) => told.push(event),
    onError: () => {},
    ...options,
  })
  cleanups.push(() => rh.close({ graceMs: 0 }))
  return { rh, clock, told }
}

async function failingReceiver(): Promise<HookReceiver> {
  const receiver = await startHookReceiver(() => ({ status: 500 }))
  cleanups.push(() => receiver.close())
  return receiver
}

async function subscribe(rh: Resthooks, target: string): Promise<string> {
  const created = await api(rh, 'POST', '/subscriptions', {
    owner: 'alice',
    body: { target_url: target, events: ['invoice.paid'] },
  })
  expect(created.status).toBe(201)
  return String(created.json.id)
}

/**
 * One reader of `stream` for the whole test: each call returns the next `count` items, going on
 * where the last call stopped. A fresh `for await` per read would start afresh and miss what was
 * published between two reads (a retry that ends while `clock.advance` is still running).
 */
function reader<T>(stream: AsyncIterable<T>): (count: number) => Promise<T[]> {
  const iterator = stream[Symbol.asyncIterator]()
  return async (count) => {
    const items: T[] = []
    while (items.length < count) {
      const next = await iterator.next()
      if (next.done) break
      items.push(next.value)
    }
    return items
  }
}

describe('operational events', () => {
  it('tells delivery.exhausted when a message fails its last retry, not before', async () => {
    const { rh, clock, told } = setup()
    const target = await failingReceiver()
    const id = await subscribe(rh, target.url)
    const take = reader(rh.results())
    const { message_id } = await rh.notify('alice', 'invoice.paid', { id: 'inv_1' })
    expect((await take(1))[0]).toMatchObject({ outcome: 'retrying' })
    expect(told).toEqual([])
    await clock.advance(5000)
    expect((await take(1))[0]).toMatchObject({ outcome: 'failed' })
    expect(target.deliveries()).toHaveLength(2)
    expect(told).toEqual([
      {
        type: 'delivery.exhausted',
        owner: 'alice',
        subscription_id: id,
        message_id,
        event: 'invoice.paid',
        attempts: 2,
        response_status: 500,
        error: null,
        at: new Date(start + 5000).toISOString(),
      },
    ])
  })

  it('warns with subscription.failing at failingAfter, then tells subscription.disabled', async () => {
    const { rh, told } = setup({ retry: { retries: 0 }, disableAfter: 4, failingAfter: 2 })
    const target = await failingReceiver()
    const id = await subscribe(rh, target.url)
    const take = reader(rh.results())
    const messages: string[] = []
    for (let n = 0; n < 4; n++) {
      messages.push((await rh.notify('alice', 'invoice.paid', { n })).message_id)
      await take(1)
    }
    expect(told.map((event) => event.type)).toEqual([
      'delivery.exhausted',
      'delivery.exhausted',
      'subscription.failing',
      'delivery.exhausted',
      'delivery.exhausted',
      'subscription.disabled',
    ])
    expect(told[2]).toMatchObject({
      type: 'subscription.failing',
      owner: 'alice',
      subscription_id: id,
      message_id: messages[1],
      consecutive_failures: 2,
      disable_after: 4,
    })
    expect(told[5]).toMatchObject({
      type: 'subscription.disabled',
      owner: 'alice',
      subscription_id: id,
      message_id: messages[3],
      disable_after: 4,
    })
    expect((await rh.store.get('alice', id))?.status).toBe('disabled')
  })

  it('warns again only after a success has reset the count', async () => {
    const { rh, told } = setup({ retry: { retries: 0 }, disableAfter: 10, failingAfter: 1 })
    const target = await failingReceiver()
    await subscribe(rh, target.url)
    const take = reader(rh.results())
    const send = async () => {
      await rh.notify('alice', 'invoice.paid', {})
      await take(1)
    }
    await send()
    await send()
    expect(told.filter((event) => event.type === 'subscription.failing')).toHaveLength(1)
    target.answer(() => ({ status: 204 }))
    await send()
    target.answer(() => ({ status: 500 }))
    await send()
    expect(told.filter((event) => event.type === 'subscription.failing')).toHaveLength(2)
  })

  it('streams them after their delivery outcome on results({ operations: true }) only', async () => {
    const { rh } = setup({ retry: { retries: 0 }, disableAfter: 1 })
    const target = await failingReceiver()
    await subscribe(rh, target.url)
    const plain = rh.results()
    const all = reader<DeliveryResult | OperationalEvent>(rh.results({ operations: true }))
    await rh.notify('alice', 'invoice.paid', {})
    const items = await all(3)
    expect(items.map((item) => ('type' in item ? item.type : item.outcome))).toEqual([
      'disabled',
      'delivery.exhausted',
      'subscription.disabled',
    ])
    await rh.close({ graceMs: 0 })
    const seen: DeliveryResult[] = []
    for await (const result of plain) seen.push(result)
    expect(seen.map((result) => result.outcome)).toEqual(['disabled'])
  })

  it('keeps delivering when the callback throws or rejects', async () => {
    const { rh, told } = setup({
      retry: { retries: 0 },
      onOperationalEvent: async () => {
        throw new Error('the pager is down')
      },
    })
    const target = await failingReceiver()
    await subscribe(rh, target.url)
    const take = reader(rh.results())
    const errors: unknown[] = []
    const original = console.error
    console.error = (...args: unknown[]) => errors.push(args)
    try {
      await rh.notify('alice', 'invoice.paid', {})
      await take(1)
      target.answer(() => ({ status: 204 }))
      await rh.notify('alice', 'invoice.paid', {})
      expect((await take(1))[0]?.outcome).toBe('delivered')
    } finally {
      console.error = original
    }
    expect(told).toEqual([])
    expect(errors.length).toBeGreaterThan(0)
  })

  it('defaults failingAfter to half of disableAfter, rounded up', () => {
    expect(defaultFailingAfter(10)).toBe(5)
    expect(defaultFailingAfter(3)).toBe(2)
    expect(defaultFailingAfter(1)).toBe(1)
  })

  it('refuses a failingAfter that is not a positive integer', () => {
    expect(() => setup({ failingAfter: 0 })).toThrow(/options\.failingAfter/)
  })
})
