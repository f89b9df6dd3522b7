import { once } from 'node:events'
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createResthooks } from '../create-resthooks'
import { bearerOwner } from '../testing/api'
import { startHookReceiver } from '../testing/receiver'
import { type FetchHandler, toNodeHandler } from './to-node-handler'

const cleanups: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function serve(app: FetchHandler): Promise<string> {
  const server: Server = createServer(toNodeHandler(app))
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  cleanups.push(() => {
    server.closeAllConnections?.()
    return new Promise((resolve) => server.close(resolve))
  })
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`
}

function rhServer(options: { maxBodyBytes?: number } = {}) {
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
    onError: () => {},
    ...options,
  })
  cleanups.push(() => rh.close({ graceMs: 0 }))
  return rh
}

const alice = { authorization: 'Bearer alice', 'content-type': 'application/json' }

describe('toNodeHandler', () => {
  it('serves the subscription API over a real socket', async () => {
    const receiver = await startHookReceiver()
    cleanups.push(() => receiver.close())
    const base = `${await serve(rhServer())}/hooks`
    const created = await fetch(`${base}/subscriptions`, {
      method: 'POST',
      headers: alice,
      body: JSON.stringify({ target_url: receiver.url, events: ['post.created'] }),
    })
    expect(created.status).toBe(201)
    const { id } = (await created.json()) as { id: string }
    const read = await fetch(`${base}/subscriptions/${id}`, { headers: alice })
    expect(read.status).toBe(200)
    expect(read.headers.get('content-type')).toBe('application/json')
    expect(((await read.json()) as { id: string }).id).toBe(id)
    const missing = await fetch(`${base}/subscriptions/${id}`, {
      headers: { authorization: 'Bearer bob' },
    })
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe('application/problem+json')
  })

  it('passes the method, path, query and every header value through', async () => {
    let seen: Request | undefined
    const base = await serve({
      fetch(request) {
        seen = request
        return new Response('ok', { headers: { 'set-cookie': 'a=1' } })
      },
    })
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = httpRequest(`${base}/x/y?z=1&z=2`, {
        method: 'DELETE',
        headers: { 'x-many': ['1', '2'], authorization: 'Bearer a' },
      })
      request.on('response', resolve).on('error', reject).end()
    })
    response.resume()
    expect(seen?.method).toBe('DELETE')
    expect(seen?.url).toBe(`${base}/x/y?z=1&z=2`)
    expect(seen?.headers.get('x-many')).toBe('1, 2')
    expect(seen?.headers.get('authorization')).toBe('Bearer a')
    expect(response.headers['set-cookie']).toEqual(['a=1'])
  })

  it('streams the request body to the handler', async () => {
    const base = await serve({
      async fetch(request) {
        return new Response(String((await request.arrayBuffer()).byteLength))
      },
    })
    const body = new Uint8Array(1_000_000).fill(97)
    const response = await fetch(base, { method: 'POST', body })
    expect(await response.text()).toBe('1000000')
  })

  it('answers 413 to a chunked upload past the limit without reading it all', async () => {
    const base = await serve(rhServer({ maxBodyBytes: 64 * 1024 }))
    let written = 0
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${base}/hooks/subscriptions`, {
        method: 'POST',
        headers: { ...alice, 'transfer-encoding': 'chunked' },
      })
      request.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      const chunk = Buffer.alloc(16 * 1024, 120)
      const write = () => {
        // 64 MB at most: far more than the server may read.
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

  it('answers 413 at once when Content-Length announces too much', async () => {
    const base = await serve(rhServer({ maxBodyBytes: 1024 }))
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${base}/hooks/subscriptions`, {
        method: 'POST',
        headers: { ...alice, 'content-length': String(10 * 1024 * 1024) },
      })
      request.on('response', (response) => {
        response.resume()
        resolve(response.statusCode ?? 0)
      })
      request.on('error', reject)
      request.write('{')
    })
    expect(status).toBe(413)
  })

  it('writes a response of known length in one piece, without chunked encoding', async () => {
    const base = await serve(rhServer())
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      httpRequest(`${base}/hooks/subscriptions`, { headers: alice })
        .on('response', resolve)
        .on('error', reject)
        .end()
    })
    let text = ''
    for await (const chunk of response) text += chunk
    expect(response.statusCode).toBe(200)
    expect(response.headers['transfer-encoding']).toBeUndefined()
    expect(response.headers['content-length']).toBe(String(Buffer.byteLength(text)))
    expect(JSON.parse(text)).toEqual({ data: [], next_cursor: null })
  })

  it('keeps every set-cookie header of the answer', async () => {
    const base = await serve({
      fetch: () => {
        const headers = new Headers({ 'content-length': '2' })
        headers.append('set-cookie', 'a=1')
        headers.append('set-cookie', 'b=2')
        return new Response('ok', { headers })
      },
    })
    const response = await fetch(base)
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2'])
    expect(await response.text()).toBe('ok')
  })

  it('cuts off an answer longer than the Content-Length it announced', async () => {
    const base = await serve({
      fetch: () =>
        new Response(
          new ReadableStream({
            pull(controller) {
              controller.enqueue(new Uint8Array(1024))
            },
          }),
          { headers: { 'content-length': '10' } },
        ),
    })
    await expect(fetch(base).then((response) => response.text())).rejects.toThrow()
  })

  it('hands a body of known length over as a Request whose body reads whole', async () => {
    let seen: { instance: boolean; text: string; type: string | null } | undefined
    const base = await serve({
      async fetch(request) {
        seen = {
          instance: request instanceof Request,
          text: await request.text(),
          type: request.headers.get('content-type'),
        }
        return new Response(null, { status: 204 })
      },
    })
    const response = await fetch(base, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":"ü"}',
    })
    expect(response.status).toBe(204)
    expect(seen).toEqual({ instance: true, text: '{"a":"ü"}', type: 'application/json' })
  })

  it('aborts the signal when the client goes away', async () => {
    let started: () => void = () => {}
    const handling = new Promise<void>((resolve) => {
      started = resolve
    })
    let aborted: Promise<void> | undefined
    const base = await serve({
      fetch(request) {
        aborted = new Promise((resolve) =>
          request.signal.addEventListener('abort', () => resolve()),
        )
        started()
        return aborted.then(() => new Response(null, { status: 204 }))
      },
    })
    const client = httpRequest(base).on('error', () => {})
    client.end()
    await handling
    client.destroy()
    await aborted
    expect(aborted).toBeDefined()
  })

  it('aborts a signal first asked for after the client went away', async () => {
    let left: () => void = () => {}
    const clientLeft = new Promise<void>((resolve) => {
      left = resolve
    })
    let started: () => void = () => {}
    const handling = new Promise<void>((resolve) => {
      started = resolve
    })
    let answered: (aborted: boolean) => void = () => {}
    const aborted = new Promise<boolean>((resolve) => {
      answered = resolve
    })
    const server = createServer(
      toNodeHandler({
        async fetch(request) {
          started()
          await clientLeft
          answered(request.signal.aborted)
          return new Response(null, { status: 204 })
        },
      }),
    )
    let serverSide: Promise<unknown> | undefined
    server.on('connection', (socket) => {
      // Not events.once: Deno's socket may emit an 'aborted' error before it closes.
      serverSide = new Promise((resolve) => socket.once('close', resolve))
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const port = (server.address() as AddressInfo).port
    const client = httpRequest(`http://127.0.0.1:${port}/`).on('error', () => {})
    client.end()
    await handling
    client.destroy()
    await serverSide
    left()
    expect(await aborted).toBe(true)
  })

  it('writes what a wrapping app made of the answer, not the answer as the handler gave it', async () => {
    const rh = rhServer()
    const base = await serve({
      async fetch(request) {
        const answer = await rh.fetch(request)
        answer.headers.set('x-wrapped', '1')
        return answer
      },
    })
    const response = await fetch(`${base}/hooks/subscriptions`, { headers: alice })
    expect(response.status).toBe(200)
    expect(response.headers.get('x-wrapped')).toBe('1')
    expect(await response.json()).toEqual({ data: [], next_cursor: null })
  })

  it('serves rh inside a Hono app, with what its middleware adds to the answers', async () => {
    const receiver = await startHookReceiver()
    cleanups.push(() => receiver.close())
    const rh = rhServer()
    const app = new Hono()
    app.use(async (c, next) => {
      await next()
      c.header('x-middleware', '1')
    })
    app.all('/hooks/*', (c) => rh.fetch(c.req.raw))
    const base = `${await serve({ fetch: (request) => app.fetch(request) })}/hooks`
    const created = await fetch(`${base}/subscriptions`, {
      method: 'POST',
      headers: alice,
      body: JSON.stringify({ target_url: receiver.url, events: ['a.b'] }),
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('x-middleware')).toBe('1')
    const { id } = (await created.json()) as { id: string }
    const read = await fetch(`${base}/subscriptions/${id}`, { headers: alice })
    expect(read.status).toBe(200)
    expect(read.headers.get('x-middleware')).toBe('1')
    expect(((await read.json()) as { id: string }).id).toBe(id)
  })

  it('never calls the handler for a client that leaves in the middle of its body', async () => {
    let calls = 0
    const base = await serve({
      fetch() {
        calls++
        return new Response(null, { status: 204 })
      },
    })
    const port = Number(new URL(base).port)
    const { connect } = await import('node:net')
    const socket = connect(port, '127.0.0.1')
    await once(socket, 'connect')
    socket.write('POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"a"')
    socket.destroy()
    await once(socket, 'close')
    // The same request, sent whole on a new connection, is answered: the server was reached.
    const response = await fetch(base, { method: 'POST', body: 'x'.repeat(100) })
    expect(response.status).toBe(204)
    expect(calls).toBe(1)
  })

  it('sees the URL Express kept in originalUrl, and passes a failure to next', async () => {
    const seen: string[] = []
    const errors: unknown[] = []
    const handler = toNodeHandler({
      fetch(request) {
        seen.push(request.url)
        throw new Error('boom')
      },
    })
    const server: Server = createServer((req, res) => {
      // What app.use('/hooks', handler) does to the request before calling it.
      Object.assign(req, { originalUrl: req.url, url: req.url?.slice('/hooks'.length) })
      void handler(req, res, (error) => {
        errors.push(error)
        res.writeHead(502).end()
      })
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    cleanups.push(() => new Promise((resolve) => server.close(resolve)))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    const response = await fetch(`${base}/hooks/subscriptions?x=1`, {
      headers: { connection: 'close' },
    })
    expect(response.status).toBe(502)
    expect(seen).toEqual([`${base}/hooks/subscriptions?x=1`])
    expect(errors).toEqual([new Error('boom')])
  })

  it('answers a failure without next with an empty 500, telling nothing of the error', async () => {
    const base = await serve({
      fetch() {
        throw new Error('secret detail')
      },
    })
    const response = await fetch(base, { method: 'POST', body: '{}' })
    expect(response.status).toBe(500)
    expect(await response.text()).toBe('')
  })

  it('writes a response only as fast as the socket takes it', async () => {
    let pulls = 0
    const app: FetchHandler = {
      fetch: () =>
        new Response(
          new ReadableStream<Uint8Array>({
            pull(controller) {
              pulls++
              controller.enqueue(new Uint8Array(1024))
              if (pulls === 100) controller.close()
            },
          }),
        ),
    }
    const writes: Array<() => void> = []
    let drainListeners = 0
    const request = Object.assign(Readable.from([]), {
      headers: {},
      url: '/',
      method: 'GET',
      complete: true,
      socket: {},
    })
    const { EventEmitter } = await import('node:events')
    const response = Object.assign(new EventEmitter(), {
      statusCode: 200,
      writableFinished: false,
      setHeader() {},
      write(_chunk: Uint8Array) {
        writes.push(() => {})
        return false
      },
      end() {
        this.writableFinished = true
      },
      destroy() {},
    })
    response.on('newListener', (name) => {
      if (name === 'drain') drainListeners++
    })
    const done = toNodeHandler(app)(request as never, response as never)
    // Each write reports a full buffer: the next chunk is read only after a drain.
    for (let i = 1; i <= 100; i++) {
      await new Promise((resolve) => setImmediate(resolve))
      while (drainListeners < i) await new Promise((resolve) => setImmediate(resolve))
      expect(writes).toHaveLength(i)
      expect(pulls).toBeLessThanOrEqual(i + 2)
      response.emit('drain')
    }
    await done
    expect(response.writableFinished).toBe(true)
    expect(writes).toHaveLength(100)
  })
})

/** Sends one raw HTTP/1.1 request and resolves to the status line's code. */
async function rawStatus(base: string, head: string): Promise<number> {
  const { connect } = await import('node:net')
  const { port } = new URL(base)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => socket.end(Buffer.from(head, 'latin1')))
    let text = ''
    socket.on('data', (chunk) => {
      text += chunk.toString('latin1')
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0)))
  })
}

describe('toNodeHandler with a malformed Host header', () => {
  it.each([['a b'], ['[::1'], ['%zz'], ['x:999999'], [''], ['h\u00e9te'], ['1.2.3.999']])(
    'answers 400, not 500, to Host %j',
    async (host) => {
      const errors: unknown[] = []
      const rh = createResthooks({ authenticate: bearerOwner, onError: (e) => errors.push(e) })
      cleanups.push(() => rh.close({ graceMs: 0 }))
      const base = await serve(rh)
      const head = `GET /hooks/subscriptions HTTP/1.1\r\nHost: ${host}\r\nAuthorization: Bearer alice\r\nConnection: close\r\n\r\n`
      expect(await rawStatus(base, head)).toBe(400)
      expect(errors).toEqual([])
    },
  )

  it('still serves a bracketed IPv6 host with a port', async () => {
    const rh = createResthooks({ authenticate: bearerOwner })
    cleanups.push(() => rh.close({ graceMs: 0 }))
    const base = await serve(rh)
    const head = `GET /hooks/subscriptions HTTP/1.1\r\nHost: [::1]:8080\r\nAuthorization: Bearer alice\r\nConnection: close\r\n\r\n`
    expect(await rawStatus(base, head)).toBe(200)
  })
})
