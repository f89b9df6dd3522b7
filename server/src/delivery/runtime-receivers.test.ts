import { verify } from '@rh/protocol'
import { describe, expect, it } from 'vitest'
import { runtimeName, serveFetch } from '../../../test/serve-fetch'
import { deliveryTestKit } from '../testing/engine-setup'

// The delivery engine against receivers served by the runtime's own HTTP server: `Bun.serve` on
// Bun, `Deno.serve` on Deno, node:http on Node (serveFetch picks it). The engine's transport is the
// runtime's too (undici on Node, fetch on Bun and Deno), so each pairing is tested where it runs.
const server = { bun: 'Bun.serve', deno: 'Deno.serve', node: 'node:http' }[runtimeName]

const { secret, defer, setup: engineSetup } = deliveryTestKit()

/** A request as the receiver read it: its headers and its raw body bytes. */
interface Hit {
  headers: Headers
  body: Uint8Array
}

/** A receiver on 127.0.0.1 served by the runtime's server; `answer` makes each response. */
async function receiver(answer: (hit: Hit, n: number) => Response | Promise<Response>) {
  const hits: Hit[] = []
  const waiters = new Map<number, (hit: Hit) => void>()
  const served = await serveFetch(async (request) => {
    const hit = { headers: request.headers, body: new Uint8Array(await request.arrayBuffer()) }
    hits.push(hit)
    waiters.get(hits.length)?.(hit)
    return answer(hit, hits.length)
  })
  defer(() => served.close())
  return {
    url: `${served.origin}/hooks`,
    hits,
    /** The `n`th request (1-based), once it has come. */
    hit: (n: number) =>
      new Promise<Hit>((resolve) => {
        const seen = hits[n - 1]
        if (seen) resolve(seen)
        else waiters.set(n, resolve)
      }),
  }
}

/** The kit's engine, started, with `subscribe(url)` for alice's `post.created`. */
function setup(options: Parameters<typeof engineSetup>[0] = {}) {
  const made = engineSetup(options)
  made.engine.start()
  const subscribe = (target_url: string) =>
    made.store.subscribe('alice', 'post.created', target_url)
  return { ...made, subscribe }
}

describe(`delivery to receivers served by ${server}`, () => {
  it('delivers a notification whose signature verifies over the raw bytes received', async () => {
    const target = await receiver(() => new Response(null, { status: 204 }))
    const { clock, engine, next, subscribe } = setup()
    await subscribe(target.url)
    const { message_id } = await engine.notify('alice', 'post.created', { title: 'héllo' })
    expect(await next()).toMatchObject({ outcome: 'delivered', response_status: 204 })
    const [hit] = target.hits
    if (!hit) throw new Error('nothing was delivered')
    const verified = await verify(secret, hit.body, hit.headers, { now: clock.now })
    expect(verified).toEqual({ id: message_id, timestamp: clock.now() / 1000 })
    expect(hit.headers.get('content-type')).toBe('application/json')
    expect(JSON.parse(new TextDecoder().decode(hit.body))).toMatchObject({
      type: 'post.created',
      data: { title: 'héllo' },
    })
  })

  it('retries a 500 after the first delay with the same webhook-id and body', async () => {
    const target = await receiver(
      (_, n) => new Response(n === 1 ? 'boom' : null, { status: n === 1 ? 500 : 200 }),
    )
    const { clock, engine, next, subscribe } = setup()
    await subscribe(target.url)
    const { message_id } = await engine.notify('alice', 'post.created', { n: 1 })
    expect(await next()).toMatchObject({ attempt: 1, outcome: 'retrying', response_status: 500 })
    await clock.advance(4999)
    expect(target.hits).toHaveLength(1)
    await clock.advance(1)
    expect(await next()).toMatchObject({ attempt: 2, outcome: 'delivered', response_status: 200 })
    const [first, second] = target.hits
    expect([first?.headers.get('webhook-id'), second?.headers.get('webhook-id')]).toEqual([
      message_id,
      message_id,
    ])
    expect(second?.body).toEqual(first?.body)
    for (const hit of target.hits) {
      await expect(verify(secret, hit.body, hit.headers, { now: clock.now })).resolves.toBeTruthy()
    }
  })

  it('removes the subscription when the receiver answers 410', async () => {
    const target = await receiver(() => new Response(null, { status: 410 }))
    const { store, engine, next, subscribe } = setup()
    const sub = await subscribe(target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'gone', response_status: 410 })
    expect(await store.get('alice', sub.id)).toBeNull()
  })

  it('cuts off a receiver that does not answer within the timeout, and retries', async () => {
    let release: () => void = () => {}
    const answered = new Promise<Response>((resolve) => {
      release = () => resolve(new Response(null, { status: 204 }))
    })
    const target = await receiver(() => answered)
    // Deno.serve's shutdown waits for handlers in flight: let this one answer before the close.
    defer(() => release())
    const { clock, engine, next, subscribe } = setup({ timeout: 3000 })
    await subscribe(target.url)
    await engine.notify('alice', 'post.created', {})
    await target.hit(1)
    await clock.advance(2999)
    await clock.advance(1)
    expect(await next()).toMatchObject({
      attempt: 1,
      outcome: 'retrying',
      response_status: null,
      error: 'timeout',
    })
  })

  it('does not follow a 3xx, and counts it as a failure', async () => {
    const elsewhere = await receiver(() => new Response(null, { status: 204 }))
    const target = await receiver(
      () => new Response(null, { status: 307, headers: { location: `${elsewhere.url}/stolen` } }),
    )
    const { engine, next, subscribe } = setup()
    await subscribe(target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({
      outcome: 'retrying',
      response_status: 307,
      error: 'redirect not followed',
    })
    expect(target.hits).toHaveLength(1)
    expect(elsewhere.hits).toHaveLength(0)
  })
})
