import type { AttemptPage, Subscription, SubscriptionPage } from '@rh/protocol'
import { describe, expectTypeOf, it } from 'vitest'
import { createClient } from './create-client'

type Events = { 'post.created': { id: string }; 'post.deleted': { id: string } }
const client = createClient<Events>({ baseUrl: 'https://api.example.com/hooks' })
const target = 'https://me.example/hooks'

describe('createClient types', () => {
  it('accepts the event names of the map, alone or in a list', () => {
    expectTypeOf(client.subscribe('post.created', target)).toEqualTypeOf<Promise<Subscription>>()
    expectTypeOf(client.subscribe(['post.created', 'post.deleted'], target)).toEqualTypeOf<
      Promise<Subscription>
    >()
  })

  it('rejects an event name the map lacks', () => {
    // @ts-expect-error 'post.typo' is not an event of the map
    client.subscribe('post.typo', target)
    // @ts-expect-error nor inside a list
    client.subscribe(['post.created', 'post.typo'], target)
    // @ts-expect-error nor as a list filter
    client.list({ event: 'post.typo' })
    // @ts-expect-error nor in a patch
    client.update('sub_x', { events: ['post.typo'] })
  })

  it('accepts any event name without a map', () => {
    const untyped = createClient({ baseUrl: 'https://api.example.com/hooks' })
    expectTypeOf(untyped.subscribe('anything.at.all', target)).toEqualTypeOf<
      Promise<Subscription>
    >()
  })

  it('types pages and the async iterator', () => {
    expectTypeOf(client.list()).toEqualTypeOf<Promise<SubscriptionPage>>()
    expectTypeOf(client.attempts('sub_x')).toEqualTypeOf<Promise<AttemptPage>>()
    expectTypeOf(client.listAll()).toEqualTypeOf<AsyncIterableIterator<Subscription>>()
    // @ts-expect-error a client cannot set the disabled status
    client.update('sub_x', { status: 'disabled' })
  })
})
