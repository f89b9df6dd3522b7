// End to end: the client against a real @rh/server, which handshakes with and delivers to a real
// receiver, all over node:http sockets on 127.0.0.1 (node:http runs on Node, Bun and Deno).
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateSecret } from '@rh/protocol'
import { createResthooks } from '@rh/server'
import { toNodeHandler as serverNodeHandler } from '@rh/server/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RhClientError } from './client-error'
import { createClient } from './create-client'
import { createReceiver, type Handlers } from './create-receiver'
import { gone } from './gone'
import { toNodeHandler } from './node/index'
import { httpServers } from './test-kit/http-servers'
import { rejection } from './test-kit/rejection'

type Events = { 'post.created': { id: string }; 'post.deleted': { id: string } }

const secret = generateSecret()
const servers = httpServers()
const listen = servers.listen

// The receiver's handlers change per test; the receiver itself stays.
let handlers: Handlers<Events> = {}
let acceptHandshake = true
const receiver = createReceiver<Events>({
  secret,
  on: {
    'post.created': (data, meta) => handlers['post.created']?.(data, meta),
    'post.deleted': (data, meta) => handlers['post.deleted']?.(data, meta),
  },
  onHandshake: () => acceptHandshake,
})

const rh = createResthooks<Events>({
  authenticate: (request: Request) => {
    const token = request.headers.get('authorization')
    return token?.startsWith('Bearer ') ? token.slice('Bearer '.length) : null
  },
  events: ['post.created', 'post.deleted'],
  signing: { perSubscription: 'v1' },
  retry: { retries: 0 },
  allowPrivateTargets: true,
})

let base = ''
let target = ''
const clientFor = (owner: string) =>
  createClient<Events>({ baseUrl: base, headers: { authorization: `Bearer ${owner}` }, retry: 0 })

beforeAll(async () => {
  base = `${await listen(serverNodeHandler(rh))}/hooks`
  target = `${await listen(toNodeHandler(receiver))}/webhooks`
})

afterAll(async () => {
  await rh.close()
  await servers.closeAll()
})

const failure = (promise: Promise<unknown>) => rejection(promise, RhClientError)

/** Resolves with the first value the handler is called with. */
function nextCall<T>(set: (resolve: (value: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve) => set(resolve))
}

describe('createClient against a real @rh/server', () => {
  it('subscribes a receiver that passes the handshake, which then gets verified notifications', async () => {
    const client = clientFor('alice')
    const subscription = await client.subscribe('post.created', target, {
      secret,
      metadata: { team: 'blog' },
    })
    expect(subscription).toMatchObject({
      events: ['post.created'],
      target_url: target,
      status: 'active',
      metadata: { team: 'blog' },
    })
    expect(subscription.id).toMatch(/^sub_/)

    const received = nextCall<{ data: { id: string }; id: string }>((resolve) => {
      handlers = { 'post.created': (data, meta) => resolve({ data, id: meta.id }) }
    })
    const results = rh.results()[Symbol.asyncIterator]()
    const receipt = await rh.notify('alice', 'post.created', { id: 'p1' })
    const { data, id } = await received
    expect(data).toEqual({ id: 'p1' })
    expect(id).toBe(receipt.message_id)
    // The attempt is logged once the server has the receiver's answer.
    for (;;) {
      const { value } = await results.next()
      if (value?.message_id === id && value.outcome === 'delivered') break
    }
    await results.return?.()

    const attempts = await client.attempts(subscription.id)
    expect(attempts.data.some((attempt) => attempt.message_id === id)).toBe(true)
    await client.unsubscribe(subscription.id)
  })

  it('gets, updates, lists by event and unsubscribes', async () => {
    const client = clientFor('bob')
    const created = await client.subscribe(['post.created', 'post.deleted'], target, { secret })
    expect(await client.get(created.id)).toEqual({ ...created, secret: undefined })

    const paused = await client.update(created.id, { status: 'paused', metadata: { why: 'test' } })
    expect(paused).toMatchObject({ id: created.id, status: 'paused', metadata: { why: 'test' } })

    const page = await client.list({ event: 'post.deleted' })
    expect(page.data.map((each) => each.id)).toContain(created.id)
    expect(page.next_cursor).toBeNull()

    await client.unsubscribe(created.id)
    const error = await failure(client.get(created.id))
    expect(error).toMatchObject({ code: 'not_found', status: 404 })
    expect(error.problem?.type).toBe('urn:rh:problem:not_found')
  })

  it('walks every page with listAll', async () => {
    const client = clientFor('carol')
    const ids: string[] = []
    for (let i = 0; i < 5; i++)
      ids.push((await client.subscribe('post.created', target, { secret })).id)
    const firstPage = await client.list({ limit: 2 })
    expect(firstPage.data).toHaveLength(2)
    expect(firstPage.next_cursor).not.toBeNull()

    const seen: string[] = []
    for await (const subscription of client.listAll({ limit: 2 })) seen.push(subscription.id)
    expect(seen.sort()).toEqual([...ids].sort())
  })

  it("does not show one owner's subscription to another", async () => {
    const mine = await clientFor('dave').subscribe('post.created', target, { secret })
    const error = await failure(clientFor('eve').get(mine.id))
    expect(error.code).toBe('not_found')
  })

  it('reports the server refusing the credentials as unauthorized', async () => {
    const anonymous = createClient<Events>({ baseUrl: base })
    const error = await failure(anonymous.list())
    expect(error).toMatchObject({ code: 'unauthorized', status: 401 })
  })

  it('reports invalid input with the field errors of the problem', async () => {
    const error = await failure(clientFor('alice').subscribe('post.created', 'not a url'))
    expect(error).toMatchObject({ code: 'invalid_request', status: 422 })
    expect(error.problem?.errors?.some((issue) => issue.path === 'target_url')).toBe(true)
  })

  it('reports an event outside the server allow-list as unknown_event', async () => {
    const untyped = createClient({ baseUrl: base, headers: { authorization: 'Bearer alice' } })
    const error = await failure(untyped.subscribe('comment.created', target, { secret }))
    expect(error).toMatchObject({ code: 'unknown_event', status: 422 })
  })

  it('reports a receiver refusing the handshake as handshake_failed', async () => {
    acceptHandshake = false
    try {
      const error = await failure(clientFor('alice').subscribe('post.created', target, { secret }))
      expect(error).toMatchObject({ code: 'handshake_failed', status: 422 })
    } finally {
      acceptHandshake = true
    }
  })

  it('lets a receiver drop its subscription by answering gone()', async () => {
    const client = clientFor('frank')
    const subscription = await client.subscribe('post.deleted', target, { secret })
    const handled = nextCall<void>((resolve) => {
      handlers = {
        'post.deleted': () => {
          resolve()
          return gone()
        },
      }
    })
    const results = rh.results()[Symbol.asyncIterator]()
    await rh.notify('frank', 'post.deleted', { id: 'p1' })
    await handled
    for (;;) {
      const { value } = await results.next()
      if (value?.subscription_id === subscription.id && value.outcome === 'gone') break
    }
    await results.return?.()
    expect((await failure(client.get(subscription.id))).code).toBe('not_found')
  })

  it('subscribes and unsubscribes with the go-resthooks profile', async () => {
    const legacy = createClient<Events>({
      baseUrl: base,
      headers: { authorization: 'Bearer grace' },
      profile: 'go-resthooks',
    })
    // go-resthooks subscribes without a secret: the server generates one, so this target only
    // answers the handshake (the routes are what is tested here).
    const legacyTarget = `${await listen((request, response) => {
      let text = ''
      request.on('data', (chunk) => {
        text += chunk
      })
      request.on('end', () => {
        const challenge = (JSON.parse(text) as { data: { challenge: string } }).data.challenge
        response.writeHead(200, { 'content-type': 'application/json' })
        response.end(JSON.stringify({ challenge }))
      })
    })}/legacy`
    const subscription = await legacy.subscribe('post.created', legacyTarget)
    expect(subscription).toMatchObject({ events: ['post.created'], target_url: legacyTarget })
    await legacy.unsubscribe(subscription.id)
    expect((await failure(clientFor('grace').get(subscription.id))).code).toBe('not_found')
  })

  it('reports a closed port as a network_error', async () => {
    const closed = createServer()
    closed.listen(0, '127.0.0.1')
    await once(closed, 'listening')
    const { port } = closed.address() as AddressInfo
    await new Promise((done) => closed.close(done))
    const client = createClient({
      baseUrl: `http://127.0.0.1:${port}/hooks`,
      retry: 1,
      retryDelay: 0,
    })
    const error = await failure(client.list())
    expect(error.code).toBe('network_error')
    // The method, the URL and the system's code: enough to see the server is not running there.
    expect(error.message).toContain(`GET http://127.0.0.1:${port}/hooks/subscriptions failed`)
    // Node and Bun give `ECONNREFUSED`, Deno its own words (`Connection refused (os error 111)`).
    expect(error.message).toMatch(/ECONNREFUSED|Connection refused/)
    expect(error.message).not.toMatch(/fetch failed/)
  })
})
