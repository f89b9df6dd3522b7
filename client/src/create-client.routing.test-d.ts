import { describe, expectTypeOf, it } from 'vitest'
import { createClient, type EventPattern } from './create-client'
import type { Filter } from './index'

type Events = { 'order.created': { id: string }; 'order.created.v2': { id: string }; ping: null }
const client = createClient<Events>({ baseUrl: 'https://api.example.com/hooks' })
const target = 'https://me.example/hooks'

describe('routing in createClient, as types', () => {
  it('takes events, prefix patterns of them and *', () => {
    expectTypeOf<EventPattern<'order.created.v2'>>().toEqualTypeOf<
      'order.created.v2' | 'order.created.*' | 'order.*' | '*'
    >()
    void client.subscribe('order.*', target)
    void client.subscribe(['order.created.*', 'ping'], target)
    void client.subscribe('*', target)
    // @ts-expect-error: no event of the map is below invoice.
    void client.subscribe('invoice.*', target)
    // @ts-expect-error: a * is only the whole last segment.
    void client.subscribe('order*', target)
  })

  it('takes a filter on subscribe, and a filter or null on update', () => {
    const filter: Filter = {
      and: [{ path: 'amount', gte: 100 }, { not: { path: 'test', eq: true } }],
    }
    void client.subscribe('order.created', target, { filter })
    void client.update('sub_x', { filter: null, events: ['order.*'] })
    // @ts-expect-error: gt compares numbers or strings.
    void client.subscribe('ping', target, { filter: { path: 'amount', gt: true } })
  })
})
