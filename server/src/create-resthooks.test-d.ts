import { describe, expectTypeOf, it } from 'vitest'
import { createResthooks } from './create-resthooks'
import type { OperationalEvent } from './delivery/operational-events'
import type { DeliveryResult, NotifyReceipt } from './delivery/types'

type Events = {
  'post.created': { id: string; title: string }
  'post.deleted': { id: string }
}

const authenticate = () => 'alice'

describe('createResthooks types', () => {
  it('types notify by the event map', () => {
    const rh = createResthooks<Events>({ authenticate })
    expectTypeOf(rh.notify('alice', 'post.created', { id: 'p', title: 't' })).toEqualTypeOf<
      Promise<NotifyReceipt>
    >()
    // @ts-expect-error an event that is not in the map
    rh.notify('alice', 'post.typo', { id: 'p' })
    // @ts-expect-error data of the wrong shape for the event
    rh.notify('alice', 'post.created', { id: 'p' })
    // @ts-expect-error data of another event
    rh.notify('alice', 'post.deleted', { id: 1 })
  })

  it('types the allow-list by the event map', () => {
    createResthooks<Events>({ authenticate, events: ['post.created', 'post.deleted'] })
    // @ts-expect-error an allow-listed event that is not in the map
    createResthooks<Events>({ authenticate, events: ['post.created', 'post.updated'] })
  })

  it('takes an interface as the event map', () => {
    interface InterfaceEvents {
      'invoice.paid': { amount: number }
    }
    const rh = createResthooks<InterfaceEvents>({ authenticate })
    rh.notify('alice', 'invoice.paid', { amount: 1 })
    // @ts-expect-error an event that is not in the interface
    rh.notify('alice', 'invoice.sent', { amount: 1 })
  })

  it('takes any event and any data without a map', () => {
    const rh = createResthooks({ authenticate, events: ['anything'] })
    expectTypeOf(
      rh.notify('alice', 'whatever', { any: ['json'] }),
    ).resolves.toEqualTypeOf<NotifyReceipt>()
  })

  it('streams operational events only from results({ operations: true })', () => {
    const rh = createResthooks({ authenticate })
    expectTypeOf(rh.results()).toEqualTypeOf<
      AsyncIterable<DeliveryResult> & { readonly dropped: number }
    >()
    expectTypeOf(rh.results({ operations: true })).toEqualTypeOf<
      AsyncIterable<DeliveryResult | OperationalEvent> & { readonly dropped: number }
    >()
  })

  it('requires authenticate', () => {
    // @ts-expect-error no authenticate
    createResthooks({})
  })
})
