import { once } from 'node:events'
import { createServer, request as httpRequest, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { generateSecret } from '@rh/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createReceiver } from '../create-receiver'
import { nextMessageId, signedPost } from '../test-kit/signed-post'
import { type NodeRequest, toNodeHandler } from './to-node-handler'

const secret = generateSecret()
const servers: Server[] = []
afterEach(async () => {
  // Keep-alive connections would hold close() open.
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise((done) => {
          server.close(done)
          server.closeAllConnections()
        }),
    ),
  )
})

async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener)
  servers.push(server)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`
}

async function post(url: string, envelope: unknown) {
  const id = nextMessageId()
  const timestamp = Math.floor(Date.now() / 1000)
  return fetch(url, await signedPost(secret, { id, timestamp, body: JSON.stringify(envelope) }))
}

const created = { type: 'post.created', timestamp: new Date().toISOString(), data: { id: 'p1' } }
const handshake = {
  type: 'rh.handshake',
  timestamp: new Date().toISOString(),
  data: { challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA', events: ['post.created'] },
}

function receiverLogging(seen: unknown[]) {
  return createReceiver<{ 'post.created': { id: string } }>({
    secret,
    on: { 'post.created': (data) => void seen.push(data) },
  })
}

// Reads the body first, as express.raw() / express.json() would.
const bodyParser =
  (handler: ReturnType<typeof toNodeHandler>, parse: (raw: Buffer) => unknown): RequestListener =>
  async (req, res) => {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const parsed = req as NodeRequest & { _body?: boolean }
    parsed.body = parse(Buffer.concat(chunks))
    parsed._body = true
    await handler(parsed, res)
  }

describe('toNodeHandler', () => {
  it('serves a receiver over a real node:http socket: handshake, delivery, wrong method', async () => {
    const seen: unknown[] = []
    const url = await serve(toNodeHandler(receiverLogging(seen)))

    const shake = await post(url, handshake)
    expect(shake.status).toBe(200)
    expect(await shake.json()).toEqual({ challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA' })

    const delivered = await post(url, created)
    expect(delivered.status).toBe(204)
    expect(seen).toEqual([{ id: 'p1' }])

    const get = await fetch(url)
    expect(get.status).toBe(405)
    expect(get.headers.get('allow')).toBe('POST')
    expect(get.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers 401 over the socket to a forged delivery', async () => {
    const url = await serve(toNodeHandler(receiverLogging([])))
    const response = await fetch(url, {
      method: 'POST',
      body: JSON.stringify(created),
      headers: {
        'webhook-id': 'msg_x',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${'A'.repeat(43)}=`,
      },
    })
    expect(response.status).toBe(401)
    expect(await response.json()).toMatchObject({ code: 'signature_mismatch' })
  })

  it('refuses a chunked delivery past maxBodyBytes with 413, without reading it all', async () => {
    const receiver = createReceiver({ secret, on: {}, maxBodyBytes: 64 * 1024 })
    const url = await serve(toNodeHandler(receiver))
    let written = 0
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      })
      request.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      const chunk = Buffer.alloc(16 * 1024, 120)
      const write = () => {
        // 64 MB at most: far more than the receiver may read.
        while (written < 64 * 1024 * 1024) {
          written += chunk.length
          if (!request.write(chunk)) return void request.once('drain', write)
        }
        request.end()
      }
      write()
    })
    expect(status).toBe(413)
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('sees the URL Express kept in originalUrl, and passes a failure to next', async () => {
    const seen: string[] = []
    const errors: unknown[] = []
    const handler = toNodeHandler(async (request) => {
      seen.push(request.url)
      throw new Error('boom')
    })
    const url = await serve((req, res) => {
      // What app.use('/hooks', handler) does to the request before calling it.
      Object.assign(req, { originalUrl: req.url, url: req.url?.slice('/hooks'.length) })
      void handler(req, res, (error) => {
        errors.push(error)
        res.writeHead(502).end()
      })
    })
    const response = await fetch(`${url}?x=1`)
    expect(response.status).toBe(502)
    expect(seen).toEqual([`${url}?x=1`])
    expect(errors).toEqual([new Error('boom')])
  })

  it('answers a failure without next with an empty 500, telling nothing of the error', async () => {
    const url = await serve(
      toNodeHandler(async () => {
        throw new Error('secret detail')
      }),
    )
    const response = await fetch(url, { method: 'POST', body: '{}' })
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('')
  })

  it('uses a body a raw body parser already read, as a Buffer or a string', async () => {
    const seen: unknown[] = []
    const handler = toNodeHandler(receiverLogging(seen))
    const asBuffer = await serve(bodyParser(handler, (raw) => raw))
    const asString = await serve(bodyParser(handler, (raw) => raw.toString('utf8')))
    expect((await post(asBuffer, created)).status).toBe(204)
    expect((await post(asString, created)).status).toBe(204)
    expect(seen).toHaveLength(2)
  })

  it('refuses a body a JSON parser already parsed, telling to use express.raw()', async () => {
    const handler = toNodeHandler(receiverLogging([]))
    const url = await serve(bodyParser(handler, (raw) => JSON.parse(raw.toString('utf8'))))
    const response = await post(url, created)
    expect(response.status).toBe(500)
    expect(await response.text()).toContain('express.raw(')

    const errors: unknown[] = []
    const withNext = await serve(async (req, res) => {
      const parsed = req as NodeRequest & { _body?: boolean }
      for await (const _ of req) {
      }
      parsed.body = created
      parsed._body = true
      await handler(parsed, res, (error) => {
        errors.push(error)
        res.writeHead(500).end()
      })
    })
    await post(withNext, created)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toBeInstanceOf(TypeError)
  })
})
