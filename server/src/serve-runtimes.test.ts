import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { createResthooks, type Resthooks } from './create-resthooks'
import { bearerOwner } from './testing/api'
import { type HookReceiver, startHookReceiver } from './testing/receiver'

// The same API served the ways people serve it: Bun.serve and Deno.serve (each only on its
// runtime, since this file runs on Node, Bun and Deno alike), and Hono on every runtime.

type Fetch = (url: string, init?: RequestInit) => Promise<Response>

const runtime = globalThis as {
  Bun?: {
    serve(options: {
      port: number
      hostname: string
      fetch: (request: Request) => Promise<Response>
    }): { port: number; stop(force?: boolean): Promise<void> | void }
  }
  Deno?: {
    serve(
      options: { port: number; hostname: string; onListen?: () => void },
      handler: (request: Request) => Promise<Response>,
    ): { addr: { port: number }; shutdown(): Promise<void> }
  }
}

const cleanups: (() => Promise<unknown> | unknown)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function start(): Promise<{ rh: Resthooks; receiver: HookReceiver }> {
  const receiver = await startHookReceiver()
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
    maxBodyBytes: 4096,
    onError: () => {},
  })
  cleanups.push(
    () => receiver.close(),
    () => rh.close({ graceMs: 0 }),
  )
  return { rh, receiver }
}

const alice = { authorization: 'Bearer alice', 'content-type': 'application/json' }

/** Create, read, list, delete, and the errors a server must get right. */
async function exercise(base: string, fetchFrom: Fetch, receiver: HookReceiver) {
  const created = await fetchFrom(`${base}/subscriptions`, {
    method: 'POST',
    headers: alice,
    body: JSON.stringify({ target_url: receiver.url, events: ['post.created'] }),
  })
  expect(created.status).toBe(201)
  const { id } = (await created.json()) as { id: string }
  expect(receiver.received).toHaveLength(1)

  const list = await fetchFrom(`${base}/subscriptions?event=post.created`, { headers: alice })
  expect(((await list.json()) as { data: { id: string }[] }).data.map((s) => s.id)).toEqual([id])

  const tooLarge = await fetchFrom(`${base}/subscriptions`, {
    method: 'POST',
    headers: alice,
    body: JSON.stringify({
      target_url: receiver.url,
      events: ['a'],
      metadata: { a: 'x'.repeat(5000) },
    }),
  })
  expect(tooLarge.status).toBe(413)
  await tooLarge.body?.cancel()

  const wrongMethod = await fetchFrom(`${base}/subscriptions/${id}`, {
    method: 'PUT',
    headers: alice,
  })
  expect(wrongMethod.status).toBe(405)
  expect(wrongMethod.headers.get('allow')).toBe('GET, PATCH, DELETE')
  await wrongMethod.body?.cancel()

  const deleted = await fetchFrom(`${base}/subscriptions/${id}`, {
    method: 'DELETE',
    headers: alice,
  })
  expect(deleted.status).toBe(204)
  const gone = await fetchFrom(`${base}/subscriptions/${id}`, { headers: alice })
  expect(gone.status).toBe(404)
  expect(gone.headers.get('content-type')).toBe('application/problem+json')
  await gone.body?.cancel()
}

describe('serving the API', () => {
  it.runIf(runtime.Bun)('works as the fetch of Bun.serve', async () => {
    const { rh, receiver } = await start()
    const server = runtime.Bun?.serve({ port: 0, hostname: '127.0.0.1', fetch: rh.fetch })
    if (!server) throw new Error('not Bun')
    cleanups.push(() => server.stop(true))
    await exercise(`http://127.0.0.1:${server.port}/hooks`, fetch, receiver)
  })

  it.runIf(runtime.Deno)('works as the handler of Deno.serve', async () => {
    const { rh, receiver } = await start()
    const server = runtime.Deno?.serve(
      { port: 0, hostname: '127.0.0.1', onListen: () => {} },
      rh.fetch,
    )
    if (!server) throw new Error('not Deno')
    cleanups.push(() => server.shutdown())
    await exercise(`http://127.0.0.1:${server.addr.port}/hooks`, fetch, receiver)
  })

  it('works mounted in a Hono app', async () => {
    const { rh, receiver } = await start()
    const app = new Hono()
    app.mount('/hooks', rh.fetch)
    await exercise('http://rh.test/hooks', async (url, init) => app.request(url, init), receiver)
  })

  it('works behind a Hono wildcard route handing over the raw request', async () => {
    const { rh, receiver } = await start()
    const app = new Hono().basePath('/api')
    app.all('/hooks/*', (c) => rh.fetch(c.req.raw))
    await exercise(
      'http://rh.test/api/hooks',
      async (url, init) => app.request(url, init),
      receiver,
    )
  })
})
