import { generateSecret } from '@rh/protocol'
import { describe, expect, it } from 'vitest'
import { createReceiver, type HandlerMeta } from './create-receiver'
import { gone } from './gone'
import { nextMessageId, signedPost } from './test-kit/signed-post'

type Events = { 'post.created': { id: string }; 'post.deleted': { id: string } }

const secret = generateSecret()
const seconds = 1_700_000_000
const now = () => seconds * 1000
const nextId = nextMessageId

async function delivery(
  envelope: unknown,
  { id = nextId(), keys = secret, body = JSON.stringify(envelope), timestamp = seconds } = {},
) {
  return new Request('http://127.0.0.1/hooks', await signedPost(keys, { id, timestamp, body }))
}

const created = (id = 'p1') => ({
  type: 'post.created',
  timestamp: '2023-11-14T22:13:20.000Z',
  data: { id },
})

describe('createReceiver', () => {
  it('calls the handler of the event type with its data and metadata, then answers 204', async () => {
    const calls: [{ id: string }, HandlerMeta][] = []
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: { 'post.created': (data, meta) => void calls.push([data, meta]) },
    })
    const request = await delivery(created(), { id: 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC' })
    const response = await receiver(request)
    expect(response.status).toBe(204)
    expect(calls).toHaveLength(1)
    const [data, meta] = calls[0]!
    expect(data).toEqual({ id: 'p1' })
    expect(meta).toMatchObject({
      id: 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC',
      type: 'post.created',
      timestamp: '2023-11-14T22:13:20.000Z',
      webhook_timestamp: seconds,
    })
    expect(meta.request).toBe(request)
  })

  it('answers the handshake with its challenge, without calling a handler', async () => {
    const calls: unknown[] = []
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: { 'post.created': (data) => void calls.push(data) },
    })
    const response = await receiver(
      await delivery({
        type: 'rh.handshake',
        timestamp: '2023-11-14T22:13:20.000Z',
        data: { challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA', events: ['post.created'] },
      }),
    )
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA' })
    expect(calls).toEqual([])
  })

  it('refuses a handshake when onHandshake says no, and one with a bad signature', async () => {
    const handshake = {
      type: 'rh.handshake',
      timestamp: '2023-11-14T22:13:20.000Z',
      data: { challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA', events: ['post.deleted'] },
    }
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: {},
      onHandshake: (webhook) => webhook.data.events.every((event) => event === 'post.created'),
    })
    expect((await receiver(await delivery(handshake))).status).toBe(403)
    const forged = await delivery(handshake, { keys: generateSecret() })
    expect((await receiver(forged)).status).toBe(401)
  })

  it('answers 401 problem+json for a bad signature, a stale timestamp or a missing header', async () => {
    const errors: unknown[] = []
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: { 'post.created': () => {} },
      onError: (error) => void errors.push(error),
    })
    const forged = await receiver(await delivery(created(), { keys: generateSecret() }))
    expect(forged.status).toBe(401)
    expect(forged.headers.get('content-type')).toBe('application/problem+json')
    expect(await forged.json()).toMatchObject({ status: 401, code: 'signature_mismatch' })

    const stale = await receiver(await delivery(created(), { timestamp: seconds - 3600 }))
    expect(stale.status).toBe(401)
    expect(await stale.json()).toMatchObject({ code: 'timestamp_too_old' })

    const bare = await receiver(
      new Request('http://127.0.0.1/hooks', { method: 'POST', body: JSON.stringify(created()) }),
    )
    expect(bare.status).toBe(401)
    // No Standard Webhooks header at all: a sender that does not sign (go-resthooks), said so.
    expect(await bare.json()).toMatchObject({
      code: 'unsigned_sender',
      title: 'Webhook not signed',
      detail: expect.stringContaining('does not sign'),
    })
    expect(errors).toHaveLength(3)
  })

  it('answers 400 for a signed body that is not JSON or not an envelope', async () => {
    const receiver = createReceiver<Events>({ secret, now, on: {} })
    const notJson = await receiver(await delivery(null, { body: '{"type":' }))
    expect(notJson.status).toBe(400)
    expect(await notJson.json()).toMatchObject({ code: 'invalid_payload' })
    const notEnvelope = await receiver(await delivery({ type: 'post.created' }))
    expect(notEnvelope.status).toBe(400)
  })

  it('answers 405 with Allow: POST to any other method', async () => {
    const receiver = createReceiver<Events>({ secret, on: {} })
    const response = await receiver(new Request('http://127.0.0.1/hooks'))
    expect(response.status).toBe(405)
    expect(response.headers.get('allow')).toBe('POST')
  })

  it('answers 413 to a body over maxBodyBytes', async () => {
    const receiver = createReceiver<Events>({ secret, now, on: {}, maxBodyBytes: 64 })
    const response = await receiver(await delivery(created('x'.repeat(100))))
    expect(response.status).toBe(413)
  })

  it('answers 200 to a duplicate webhook-id without calling the handler again', async () => {
    let calls = 0
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: { 'post.created': () => void calls++ },
    })
    const id = nextId()
    expect((await receiver(await delivery(created(), { id }))).status).toBe(204)
    expect((await receiver(await delivery(created(), { id }))).status).toBe(200)
    expect((await receiver(await delivery(created()))).status).toBe(204)
    expect(calls).toBe(2)
  })

  it('answers a replay as a duplicate as long as its timestamp passes the tolerance', async () => {
    let calls = 0
    let time = now()
    const receiver = createReceiver<Events>({
      secret,
      tolerance: 1000,
      now: () => time,
      on: { 'post.created': () => void calls++ },
    })
    const captured = await delivery(created())
    expect((await receiver(captured.clone())).status).toBe(204)
    // 900 s on, the timestamp still passes a 1000 s tolerance: the id must still be known.
    time += 900_000
    expect((await receiver(captured)).status).toBe(200)
    expect(calls).toBe(1)
  })

  it('calls the handler for every delivery when dedupe is off', async () => {
    let calls = 0
    const receiver = createReceiver<Events>({
      secret,
      now,
      dedupe: false,
      on: { 'post.created': () => void calls++ },
    })
    const id = nextId()
    await receiver(await delivery(created(), { id }))
    await receiver(await delivery(created(), { id }))
    expect(calls).toBe(2)
  })

  it('answers 500 when the handler throws, and handles the retry again', async () => {
    const errors: unknown[] = []
    let calls = 0
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: {
        'post.created': () => {
          if (++calls === 1) throw new Error('database down')
        },
      },
      onError: (error) => void errors.push(error),
    })
    const id = nextId()
    const failed = await receiver(await delivery(created(), { id }))
    expect(failed.status).toBe(500)
    expect(JSON.stringify(await failed.json())).not.toContain('database down')
    expect(errors).toEqual([new Error('database down')])
    expect((await receiver(await delivery(created(), { id }))).status).toBe(204)
    expect(calls).toBe(2)
  })

  it('answers 409 to a duplicate arriving while the first is being handled', async () => {
    let release = () => {}
    const running = new Promise<void>((resolve) => {
      release = resolve
    })
    let calls = 0
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: {
        'post.created': async () => {
          calls++
          await running
        },
      },
    })
    const id = nextId()
    const first = receiver(await delivery(created(), { id }))
    const second = await receiver(await delivery(created(), { id }))
    expect(second.status).toBe(409)
    release()
    expect((await first).status).toBe(204)
    expect((await receiver(await delivery(created(), { id }))).status).toBe(200)
    expect(calls).toBe(1)
  })

  it('answers 410 when the handler returns or throws gone()', async () => {
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: {
        'post.created': () => gone(),
        'post.deleted': () => {
          throw gone('account closed')
        },
      },
    })
    expect((await receiver(await delivery(created()))).status).toBe(410)
    const deleted = { ...created(), type: 'post.deleted' }
    expect((await receiver(await delivery(deleted))).status).toBe(410)
  })

  it('answers 204 to an event type without a handler, or calls unhandled', async () => {
    const plain = createReceiver<Events>({ secret, now, on: {} })
    const unknown = { ...created(), type: 'comment.created' }
    expect((await plain(await delivery(unknown))).status).toBe(204)

    const seen: string[] = []
    const strict = createReceiver<Events>({
      secret,
      now,
      on: {},
      unhandled: (_data, meta) => {
        seen.push(meta.type)
        return gone()
      },
    })
    expect((await strict(await delivery(unknown))).status).toBe(410)
    expect(seen).toEqual(['comment.created'])
  })

  it('does not treat inherited object keys as handlers', async () => {
    const receiver = createReceiver<Events>({ secret, now, on: {} })
    const odd = { ...created(), type: 'constructor' }
    expect((await receiver(await delivery(odd))).status).toBe(204)
  })

  it('accepts any of several secrets during a rotation', async () => {
    const next = generateSecret()
    const receiver = createReceiver<Events>({ secrets: [next, secret], now, on: {} })
    expect((await receiver(await delivery(created()))).status).toBe(204)
    expect((await receiver(await delivery(created(), { keys: next }))).status).toBe(204)
  })

  it('refuses a bad key when it is created', () => {
    expect(() => createReceiver({ secret: 'hunter2', on: {} })).toThrow(/key/)
  })
})

type Serve = (handler: (request: Request) => Promise<Response>) => Promise<{
  url: string
  close: () => Promise<void>
}>

const runtime = globalThis as unknown as {
  Bun?: {
    serve(options: {
      port: number
      hostname: string
      fetch: (request: Request) => Promise<Response>
    }): {
      port: number
      stop(force?: boolean): Promise<void> | void
    }
  }
  Deno?: {
    serve(
      options: { port: number; hostname: string; onListen?: () => void },
      handler: (request: Request) => Promise<Response>,
    ): { addr: { port: number }; shutdown(): Promise<void> }
  }
}

// The runtime's own Fetch server: Bun.serve or Deno.serve. Node has none (toNodeHandler covers
// it, in node/to-node-handler.test.ts), so these tests are skipped on Node.
const serveNatively: Serve | undefined = runtime.Bun
  ? async (handler) => {
      const server = runtime.Bun!.serve({ port: 0, hostname: '127.0.0.1', fetch: handler })
      return {
        url: `http://127.0.0.1:${server.port}/hooks`,
        close: async () => void (await server.stop(true)),
      }
    }
  : runtime.Deno
    ? async (handler) => {
        const server = runtime.Deno!.serve(
          { port: 0, hostname: '127.0.0.1', onListen: () => {} },
          handler,
        )
        return { url: `http://127.0.0.1:${server.addr.port}/hooks`, close: () => server.shutdown() }
      }
    : undefined

describe('createReceiver served by Bun.serve or Deno.serve', () => {
  it.skipIf(!serveNatively)('answers the handshake and a delivery over a real socket', async () => {
    const seen: unknown[] = []
    const receiver = createReceiver<Events>({
      secret,
      now,
      on: { 'post.created': (data) => void seen.push(data) },
    })
    const server = await serveNatively!(receiver)
    try {
      const send = async (envelope: unknown) => {
        const request = await delivery(envelope)
        return fetch(server.url, {
          method: 'POST',
          headers: request.headers,
          body: await request.text(),
        })
      }
      const shake = await send({
        type: 'rh.handshake',
        timestamp: '2023-11-14T22:13:20.000Z',
        data: { challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA', events: ['post.created'] },
      })
      expect(await shake.json()).toEqual({ challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA' })
      expect((await send(created())).status).toBe(204)
      expect(seen).toEqual([{ id: 'p1' }])
      expect((await fetch(server.url)).status).toBe(405)
    } finally {
      await server.close()
    }
  })
})
