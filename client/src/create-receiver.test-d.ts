import { describe, expectTypeOf, it } from 'vitest'
import { createReceiver } from './create-receiver'
import { verify } from './verify'

type Events = { 'post.created': { id: string }; 'user.deleted': { user: number } }
const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'

describe('createReceiver types', () => {
  it('types each handler by its event', () => {
    createReceiver<Events>({
      secret,
      on: {
        'post.created': (data, meta) => {
          expectTypeOf(data).toEqualTypeOf<{ id: string }>()
          expectTypeOf(meta.type).toEqualTypeOf<'post.created'>()
          expectTypeOf(meta.id).toEqualTypeOf<string>()
        },
        'user.deleted': (data) => expectTypeOf(data.user).toEqualTypeOf<number>(),
      },
    })
  })

  it('rejects a handler for an event the map lacks', () => {
    createReceiver<Events>({
      secret,
      // @ts-expect-error 'post.typo' is not an event of the map
      on: { 'post.typo': () => {} },
    })
  })

  it('narrows a verified webhook by its type, the handshake included', async () => {
    const webhook = await verify<Events>(secret, new Request('http://127.0.0.1'))
    // @ts-expect-error the secret comes first, as in @rh/protocol: the old order does not compile
    await verify<Events>(new Request('http://127.0.0.1'), secret)
    if (webhook.type === 'post.created') expectTypeOf(webhook.data).toEqualTypeOf<{ id: string }>()
    if (webhook.type === 'rh.handshake')
      expectTypeOf(webhook.data.challenge).toEqualTypeOf<string>()
  })
})
