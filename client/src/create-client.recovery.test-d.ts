import type {
  MessagePage,
  MessageWithDeliveries,
  ReplayResponse,
  RotateSecretResponse,
  SubscriptionMessagePage,
  TestEventResponse,
} from '@rh/protocol'
import { describe, expectTypeOf, it } from 'vitest'
import { createClient } from './create-client'

type Events = { 'post.created': { id: string } }
const client = createClient<Events>({ baseUrl: 'https://api.example.com/hooks' })

describe('the recovery calls of createClient, as types', () => {
  it('answer the protocol types', () => {
    expectTypeOf(client.listMessages()).toEqualTypeOf<Promise<MessagePage>>()
    expectTypeOf(client.getMessage('msg_x')).toEqualTypeOf<Promise<MessageWithDeliveries>>()
    expectTypeOf(client.listSubscriptionMessages('sub_x', { status: 'failed' })).toEqualTypeOf<
      Promise<SubscriptionMessagePage>
    >()
    expectTypeOf(client.replay('sub_x', { since: new Date() })).toEqualTypeOf<
      Promise<ReplayResponse>
    >()
    expectTypeOf(client.rotateSecret('sub_x')).toEqualTypeOf<Promise<RotateSecretResponse>>()
    expectTypeOf(client.sendTest('sub_x')).toEqualTypeOf<Promise<TestEventResponse>>()
  })

  it('take times as a Date or a string, and only the documented statuses', () => {
    client.listMessages({ event: 'post.created', since: '2025-01-31T12:00:00Z', until: new Date() })
    // @ts-expect-error an event outside the map
    client.listMessages({ event: 'post.typo' })
    // @ts-expect-error a replay needs since
    client.replay('sub_x', {})
    // @ts-expect-error a replay status is failed or all
    client.replay('sub_x', { since: new Date(), status: 'delivered' })
    // @ts-expect-error not a delivery status
    client.listSubscriptionMessages('sub_x', { status: 'retrying' })
    // @ts-expect-error a time is a Date or a string, not ms
    client.listMessages({ since: 1738324800000 })
  })
})
