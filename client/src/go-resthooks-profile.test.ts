import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GoResthooks, startGoResthooks } from '../../conformance/src/fixtures/go-resthooks'
import { RhClientError } from './client-error'
import { createClient } from './create-client'
import { toSubscription } from './go-resthooks-profile'

let go: GoResthooks
beforeAll(async () => {
  go = await startGoResthooks()
})
afterAll(() => go.close())

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => {
      throw new Error('expected a failure')
    },
    (error: unknown) => error as RhClientError,
  )

describe('the go-resthooks profile against a go-resthooks stand-in', () => {
  it('subscribes with user_id and surfaces the integer id as a string, event as events', async () => {
    const client = createClient({ baseUrl: go.url, profile: 'go-resthooks', userId: 7 })
    const subscription = await client.subscribe('post_created', 'http://127.0.0.1:9/hook')
    expect(subscription).toMatchObject({
      id: expect.stringMatching(/^\d+$/),
      events: ['post_created'],
      target_url: 'http://127.0.0.1:9/hook',
      status: 'active',
      metadata: {},
    })
    await client.unsubscribe(subscription.id)
  })

  it('reports the 500 go-resthooks answers to an unknown id as not_found', async () => {
    const client = createClient({ baseUrl: go.url, profile: 'go-resthooks' })
    const error = await failure(client.unsubscribe('424242'))
    expect(error).toBeInstanceOf(RhClientError)
    expect(error).toMatchObject({ code: 'not_found', status: 500 })
    const nonNumeric = await failure(client.unsubscribe('sub_x'))
    expect(nonNumeric.code).toBe('not_found')
  })

  it('unsubscribes by the id subscribe returned, once', async () => {
    const client = createClient({ baseUrl: go.url, profile: 'go-resthooks', userId: 1 })
    const { id } = await client.subscribe('order_paid', 'http://127.0.0.1:9/hook')
    await expect(client.unsubscribe(id)).resolves.toBeUndefined()
    expect((await failure(client.unsubscribe(id))).code).toBe('not_found')
  })

  it('keeps the fields an rh alias adds to the answer', () => {
    const at = '2026-01-01T00:00:00.000Z'
    expect(
      toSubscription(
        {
          id: 'sub_01',
          user_id: 0,
          event: 'a.b',
          target_url: 'https://x.example/',
          events: ['a.b'],
          status: 'paused',
          metadata: { k: 'v' },
          created_at: at,
          updated_at: at,
        },
        0,
      ),
    ).toEqual({
      id: 'sub_01',
      events: ['a.b'],
      target_url: 'https://x.example/',
      status: 'paused',
      metadata: { k: 'v' },
      created_at: at,
      updated_at: at,
    })
  })
})
