import { Webhook } from 'standardwebhooks'
import { describe, expect, it, vi } from 'vitest'
import { deliveryTestKit } from '../testing/engine-setup'
import { startReceiver } from '../testing/receiver'
import type { Transport } from './transport'
import type { DeliveryResult } from './types'

const { secret, receiver, setup } = deliveryTestKit()

/** Answers each request with the next status of the list (the last one repeats). */
const statuses =
  (...list: number[]) =>
  (_: unknown, response: import('node:http').ServerResponse, received: unknown) => {
    void received
    const status = list.shift() ?? 204
    if (list.length === 0) list.push(status)
    response.writeHead(status).end()
  }

describe('createDeliveryEngine', () => {
  it('delivers a signed envelope with the Standard Webhooks headers', async () => {
    const target = await receiver()
    const { store, queue, engine, next, start } = setup()
    const sub = await store.subscribe('alice', 'post.created', `${target.url}/hooks`)
    const receipt = await engine.notify('alice', 'post.created', { title: 'hi' })
    expect(receipt).toEqual({
      message_id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
      deliveries: 1,
    })
    const result = await next()
    expect(result).toMatchObject({
      message_id: receipt.message_id,
      subscription_id: sub.id,
      owner: 'alice',
      event: 'post.created',
      attempt: 1,
      outcome: 'delivered',
      response_status: 204,
      error: null,
      next_attempt_at: null,
    })
    const [request] = target.requests
    expect(request?.path).toBe('/hooks')
    expect(request?.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'rh/0.1',
      'webhook-id': receipt.message_id,
      'webhook-timestamp': String(start / 1000),
    })
    expect(JSON.parse(request?.body ?? '')).toEqual({
      type: 'post.created',
      timestamp: new Date(start).toISOString(),
      data: { title: 'hi' },
    })
    expect(new Webhook(secret).verify(request?.body ?? '', request?.headers ?? {})).toBeTruthy()
    expect(await queue.size()).toBe(0)
    const log = await queue.listAttempts('alice', sub.id, { limit: 10 })
    expect(log.items).toMatchObject([{ attempt: 1, outcome: 'delivered', response_status: 204 }])
  })

  it('gives every subscription of a notification the same message id', async () => {
    const a = await receiver()
    const b = await receiver()
    const { store, engine, next } = setup()
    await store.subscribe('alice', 'post.created', a.url)
    await store.subscribe('alice', 'post.created', b.url)
    await store.subscribe('bob', 'post.created', b.url)
    const receipt = await engine.notify('alice', 'post.created', {})
    expect(receipt.deliveries).toBe(2)
    await next()
    await next()
    expect(a.requests[0]?.headers['webhook-id']).toBe(receipt.message_id)
    expect(b.requests[0]?.headers['webhook-id']).toBe(receipt.message_id)
    expect(b.requests).toHaveLength(1)
  })

  it('retries after 5 s, 15 s and 45 s with the same id and fresh signatures that verify', async () => {
    const target = await receiver(statuses(500, 502, 400, 200))
    const { clock, store, engine, next, start } = setup()
    await store.subscribe('alice', 'post.created', target.url)
    const { message_id } = await engine.notify('alice', 'post.created', { n: 1 })
    const first = await next()
    expect(first).toMatchObject({ attempt: 1, outcome: 'retrying', response_status: 500 })
    expect(first.next_attempt_at).toBe(start + 5000)
    await clock.advance(4999)
    expect(target.requests).toHaveLength(1)
    await clock.advance(1)
    expect(await next()).toMatchObject({ attempt: 2, outcome: 'retrying', response_status: 502 })
    await clock.advance(15_000)
    const third = await next()
    expect(third).toMatchObject({ attempt: 3, outcome: 'retrying', response_status: 400 })
    expect(third.next_attempt_at).toBe(start + 65_000)
    await clock.advance(45_000)
    expect(await next()).toMatchObject({ attempt: 4, outcome: 'delivered', response_status: 200 })
    const ids = target.requests.map((r) => r.headers['webhook-id'])
    expect(ids).toEqual([message_id, message_id, message_id, message_id])
    const times = target.requests.map((r) => Number(r.headers['webhook-timestamp']) * 1000 - start)
    expect(times).toEqual([0, 5000, 20_000, 65_000])
    const signatures = new Set(target.requests.map((r) => r.headers['webhook-signature']))
    expect(signatures.size).toBe(4)
    const bodies = new Set(target.requests.map((r) => r.body))
    expect(bodies.size).toBe(1)
    for (const r of target.requests)
      expect(new Webhook(secret).verify(r.body, r.headers)).toBeTruthy()
  })

  it('gives up after the last retry and counts the failure on the subscription', async () => {
    const target = await receiver(statuses(503))
    const { clock, store, queue, engine, next } = setup({ retry: { retries: 1 } })
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ attempt: 1, outcome: 'retrying' })
    await clock.advance(5000)
    expect(await next()).toMatchObject({ attempt: 2, outcome: 'failed', next_attempt_at: null })
    expect(await queue.size()).toBe(0)
    expect((await store.get('alice', sub.id))?.consecutive_failures).toBe(1)
  })

  it('disables a subscription after disableAfter failed deliveries in a row', async () => {
    const target = await receiver(statuses(500))
    const { store, engine, next } = setup({ retry: { retries: 0 }, disableAfter: 2 })
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'failed' })
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'disabled', response_status: 500 })
    expect(await store.get('alice', sub.id)).toMatchObject({
      status: 'disabled',
      consecutive_failures: 2,
    })
    expect((await engine.notify('alice', 'post.created', {})).deliveries).toBe(0)
  })

  it.each([
    ['with recordOutcome', true],
    ['without recordOutcome (read, then update, under a lock)', false],
  ])(
    'counts every failure when two attempts of a subscription fail at the same moment, a store %s',
    async (_, atomic) => {
      const held: Array<() => void> = []
      const target = await receiver((_, response) => {
        held.push(() => response.writeHead(500).end())
        if (held.length === 2) for (const release of held.splice(0)) release()
      })
      const { store, engine, next } = setup({ retry: { retries: 0 }, disableAfter: 2 })
      // A third-party store without the optional method.
      if (!atomic) delete (store as { recordOutcome?: unknown }).recordOutcome
      // A store whose reads take a moment, so both settlements read before either writes.
      const get = store.get.bind(store)
      store.get = async (owner, id) => {
        const row = await get(owner, id)
        await new Promise((resolve) => setTimeout(resolve, 5))
        return row
      }
      const sub = await store.subscribe('alice', 'post.created', target.url)
      await engine.notify('alice', 'post.created', { n: 1 })
      await engine.notify('alice', 'post.created', { n: 2 })
      const outcomes = [(await next()).outcome, (await next()).outcome].sort()
      expect(outcomes).toEqual(['disabled', 'failed'])
      expect(await get('alice', sub.id)).toMatchObject({
        status: 'disabled',
        consecutive_failures: 2,
      })
    },
  )

  it.each([
    ['with recordOutcome', true],
    ['without recordOutcome', false],
  ])('resets the failure count when a delivery succeeds, a store %s', async (_, atomic) => {
    const target = await receiver(statuses(500, 204))
    const { store, engine, next } = setup({ retry: { retries: 0 }, disableAfter: 2 })
    if (!atomic) delete (store as { recordOutcome?: unknown }).recordOutcome
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'failed' })
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'delivered' })
    expect((await store.get('alice', sub.id))?.consecutive_failures).toBe(0)
  })

  it('deletes the subscription and drops its pending deliveries on 410, even mid-retry', async () => {
    const target = await receiver(statuses(500, 500, 410))
    const { clock, store, queue, engine, next } = setup()
    const sub = await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', { n: 1 })
    expect(await next()).toMatchObject({ outcome: 'retrying' })
    await clock.advance(1000)
    await engine.notify('alice', 'post.created', { n: 2 })
    expect(await next()).toMatchObject({ outcome: 'retrying' })
    await clock.advance(4000)
    expect(await next()).toMatchObject({ attempt: 2, outcome: 'gone', response_status: 410 })
    expect(await store.get('alice', sub.id)).toBeNull()
    expect(await queue.size()).toBe(0)
    await clock.advance(60_000)
    expect(target.requests.map((r) => JSON.parse(r.body).data.n)).toEqual([1, 2, 1])
  })

  it('honours Retry-After in seconds on 429, bounded by maxDelay', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(429, { 'retry-after': '120' }).end()
    })
    const { store, engine, next, start } = setup({ retry: { maxDelay: 60_000 } })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect((await next()).next_attempt_at).toBe(start + 60_000)
  })

  it('honours a Retry-After date on 503, never sooner than the schedule', async () => {
    let retryAt = ''
    const target = await receiver((_, response) => {
      response.writeHead(503, { 'retry-after': retryAt }).end()
    })
    const { store, engine, next, start } = setup()
    retryAt = new Date(start + 30_000).toUTCString()
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect((await next()).next_attempt_at).toBe(start + 30_000)
    retryAt = new Date(start + 1000).toUTCString()
    await engine.notify('alice', 'post.created', {})
    expect((await next()).next_attempt_at).toBe(start + 5000)
  })

  it('never follows a redirect', async () => {
    const elsewhere = await receiver()
    const target = await receiver((_, response) => {
      response.writeHead(307, { location: `${elsewhere.url}/stolen` }).end()
    })
    const { store, engine, next } = setup()
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({
      outcome: 'retrying',
      response_status: 307,
      error: 'redirect not followed',
    })
    expect(elsewhere.requests).toHaveLength(0)
  })

  it('cuts off a receiver that does not answer at the deadline', async () => {
    const target = await receiver(() => {})
    const { clock, store, engine, next } = setup({ timeout: 3000 })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    await target.request(1)
    await clock.advance(2999)
    await clock.advance(1)
    expect(await next()).toMatchObject({
      outcome: 'retrying',
      response_status: null,
      error: 'timeout',
    })
  })

  it('cuts off a receiver trickling its body at the deadline', async () => {
    const target = await receiver((_, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' })
      response.write('still ')
      response.write('going...')
    })
    const { clock, store, engine, next } = setup({ timeout: 3000 })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    await target.request(1)
    await clock.advance(3000)
    expect(await next()).toMatchObject({ outcome: 'retrying', error: 'timeout' })
  })

  it('aborts the signal of a transport that reads it, at the deadline', async () => {
    const signals: AbortSignal[] = []
    // A transport of the application's: it hears of the deadline through `signal` only.
    const transport: Transport = (request) =>
      new Promise((_, reject) => {
        const { signal } = request
        signals.push(signal)
        signal.addEventListener('abort', () => reject(signal.reason))
      })
    const { clock, store, engine, next } = setup({ timeout: 3000, transport })
    await store.subscribe('alice', 'post.created', 'http://127.0.0.1:9/')
    await engine.notify('alice', 'post.created', {})
    await vi.waitFor(() => expect(signals).toHaveLength(1))
    await clock.advance(2999)
    expect(signals[0]?.aborted).toBe(false)
    await clock.advance(1)
    expect(await next()).toMatchObject({ outcome: 'retrying', error: 'timeout' })
    expect(((signals[0] as AbortSignal).reason as Error).name).toBe('AbortError')
  })

  it('gives a transport a signal already aborted when it reads it after the deadline', async () => {
    let late: AbortSignal | undefined
    const transport: Transport = async (request) => {
      await clock.advance(3000) // the deadline passes before the transport looks at the signal
      late = request.signal
      throw late.reason
    }
    const { clock, store, engine, next } = setup({ timeout: 3000, transport })
    await store.subscribe('alice', 'post.created', 'http://127.0.0.1:9/')
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'retrying', error: 'timeout' })
    expect(late?.aborted).toBe(true)
  })

  it('stops reading a huge response at maxResponseBytes and records the status', async () => {
    let written = 0
    const target = await receiver((_, response) => {
      response.writeHead(200)
      const chunk = Buffer.alloc(64 * 1024, 'x')
      const pump = () => {
        while (written < 64 * 1024 * 1024) {
          written += chunk.length
          if (!response.write(chunk)) return void response.once('drain', pump)
        }
        response.end()
      }
      response.on('error', () => {})
      pump()
    })
    const { store, engine, next } = setup({ maxResponseBytes: 1024 })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'delivered', response_status: 200 })
    expect(written).toBeLessThan(64 * 1024 * 1024)
  })

  it('retries after the receiver resets the connection', async () => {
    const target = await receiver((request) => {
      request.socket.destroy()
    })
    const { store, engine, next } = setup()
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({
      outcome: 'retrying',
      response_status: null,
      error: 'connection reset',
    })
  })

  it('retries when the connection is refused', async () => {
    const gone = await startReceiver()
    await gone.close()
    const { store, engine, next } = setup()
    await store.subscribe('alice', 'post.created', gone.url)
    await engine.notify('alice', 'post.created', {})
    expect(await next()).toMatchObject({ outcome: 'retrying', error: 'connection refused' })
  })

  it('keeps delivering to other hosts while one host is slow', async () => {
    const held: Array<() => void> = []
    const slow = await receiver((_, response) => {
      held.push(() => response.writeHead(204).end())
    })
    const fast = await receiver()
    const { store, engine, next } = setup({ concurrency: { global: 4, perHost: 1 } })
    await store.subscribe('alice', 'slow', slow.url)
    await store.subscribe('alice', 'fast', fast.url)
    for (let i = 0; i < 10; i++) await engine.notify('alice', 'slow', { i })
    await slow.request(1)
    await engine.notify('alice', 'fast', {})
    expect(await next()).toMatchObject({ event: 'fast', outcome: 'delivered' })
    expect(slow.requests).toHaveLength(1)
    for (const release of held.splice(0)) release()
    expect(await next()).toMatchObject({ event: 'slow', outcome: 'delivered' })
  })

  it("puts a hanging host's overflow back for 250 ms, doubling while it stays saturated", async () => {
    const held: Array<() => void> = []
    const slow = await receiver((_, response) => {
      held.push(() => response.writeHead(204).end())
    })
    // Never seen to answer: one in flight and one waiting, the others go back to the queue.
    const { clock, store, queue, engine, next } = setup({ concurrency: { global: 4, perHost: 1 } })
    await store.subscribe('alice', 'post.created', slow.url)
    for (let i = 0; i < 4; i++) await engine.notify('alice', 'post.created', { i })
    await slow.request(1)
    const start = clock.now()
    const dueAfter = (ms: number) =>
      vi.waitFor(async () => expect(await queue.nextDueAt()).toBe(start + ms))
    await dueAfter(250)
    await clock.advance(250)
    await dueAfter(250 + 500)
    await clock.advance(500)
    await dueAfter(250 + 500 + 1000)
    for (const release of held.splice(0)) release()
    expect(await next()).toMatchObject({ outcome: 'delivered' })
  })

  it("books a slow host's overflow at its pace: one queue write per job, not one per back-off", async () => {
    const held: Array<() => void> = []
    const slow = await receiver((_, response) => {
      held.push(() => response.writeHead(204).end())
    })
    const { clock, store, queue, engine, next } = setup({ concurrency: { global: 4, perHost: 1 } })
    await store.subscribe('alice', 'post.created', slow.url)
    // Answer by answer, 500 ms each: its line holds two (a second's worth).
    const answerIn500 = async (requests: number) => {
      await slow.request(requests)
      await clock.advance(500)
      held.shift()?.()
      expect(await next()).toMatchObject({ outcome: 'delivered' })
    }
    await engine.notify('alice', 'post.created', { first: true })
    await answerIn500(1)
    const reschedule = vi.spyOn(queue, 'reschedule')
    const from = clock.now()
    for (let i = 0; i < 6; i++) await engine.notify('alice', 'post.created', { i })
    await slow.request(2)
    // One in flight, two in line (drained by +1,000); three put back, a slot (500 ms) apart.
    await vi.waitFor(() => expect(reschedule).toHaveBeenCalledTimes(3))
    expect(reschedule.mock.calls.map(([, , at]) => at - from)).toEqual([1000, 1500, 2000])
    // Each comes back as the host can take it: six answers, no more writes.
    for (let n = 2; n < 8; n++) await answerIn500(n)
    expect(reschedule).toHaveBeenCalledTimes(3)
  })

  it("keeps a fast host's overflow waiting in memory, leased, with no queue write", async () => {
    const target = await receiver()
    const { store, queue, engine, next } = setup({ concurrency: { global: 4, perHost: 1 } })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', { first: true })
    expect(await next()).toMatchObject({ outcome: 'delivered' }) // its pace is known now
    const reschedule = vi.spyOn(queue, 'reschedule')
    for (let i = 0; i < 8; i++) await engine.notify('alice', 'post.created', { i })
    for (let i = 0; i < 8; i++) expect(await next()).toMatchObject({ outcome: 'delivered' })
    expect(reschedule).not.toHaveBeenCalled()
    expect(target.requests).toHaveLength(9)
  })

  it('gives back the line of a host that starts hanging, so other hosts are claimed', async () => {
    const held: Array<() => void> = []
    let hang = false
    const flaky = await receiver((_, response) => {
      if (hang) held.push(() => response.writeHead(204).end())
      else response.writeHead(204).end()
    })
    const healthy = await receiver()
    const { clock, store, engine, next } = setup({ concurrency: { global: 2, perHost: 1 } })
    await store.subscribe('alice', 'flaky', flaky.url)
    await store.subscribe('alice', 'healthy', healthy.url)
    await engine.notify('alice', 'flaky', {})
    expect(await next()).toMatchObject({ event: 'flaky', outcome: 'delivered' })
    hang = true
    // Four held: one hangs in flight, three wait in its line, which was fast so far.
    for (let i = 0; i < 4; i++) await engine.notify('alice', 'flaky', { i })
    await flaky.request(2)
    await engine.notify('alice', 'healthy', {})
    // Once its attempt has hung long enough, its line goes back and makes room.
    await clock.advance(1_000)
    expect(await next()).toMatchObject({ event: 'healthy', outcome: 'delivered' })
    for (const release of held.splice(0)) release()
  })

  it('runs no more attempts at once than the global limit', async () => {
    const outstanding: Array<() => void> = []
    let most = 0
    let released = 0
    // Holds requests and lets one go only once two are held (or when no more can come), so a
    // third concurrent attempt would be seen.
    const hold = (_: unknown, response: import('node:http').ServerResponse) => {
      outstanding.push(() => response.writeHead(204).end())
      most = Math.max(most, outstanding.length)
      while (
        outstanding.length >= 2 ||
        (outstanding.length > 0 && released + outstanding.length === 6)
      ) {
        released++
        setTimeout(outstanding.shift() as () => void, 0)
      }
    }
    const hosts = await Promise.all([1, 2, 3].map(() => receiver(hold)))
    const { store, engine, next } = setup({ concurrency: { global: 2, perHost: 2 } })
    for (const host of hosts) await store.subscribe('alice', 'post.created', host.url)
    await engine.notify('alice', 'post.created', {})
    await engine.notify('alice', 'post.created', {})
    for (let n = 0; n < 6; n++) expect(await next()).toMatchObject({ outcome: 'delivered' })
    expect(most).toBe(2)
  })

  it('on close, waits for attempts in flight within the grace period', async () => {
    let release = () => {}
    const target = await receiver((_, response) => {
      release = () => response.writeHead(204).end()
    })
    const { store, queue, engine, next } = setup()
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    await target.request(1)
    const closed = engine.close({ graceMs: 10_000 })
    release()
    expect(await next()).toMatchObject({ outcome: 'delivered' })
    await closed
    expect(await queue.size()).toBe(0)
  })

  it('on close, puts back what did not finish in time, due now, and ends the results', async () => {
    const target = await receiver(() => {})
    const { clock, store, queue, engine, next } = setup({ timeout: 60_000 })
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    await target.request(1)
    const closed = engine.close({ graceMs: 1000 })
    await clock.advance(1000)
    await closed
    expect(await queue.size()).toBe(1)
    const [job] = await queue.claim(clock.now(), 10, 1000)
    expect(job).toMatchObject({ attempt: 0, next_attempt_at: clock.now() })
    await expect(next()).rejects.toThrow('the results ended')
  })

  it('gives each results consumer every outcome from when it began', async () => {
    const target = await receiver()
    const { store, engine, next } = setup()
    await store.subscribe('alice', 'post.created', target.url)
    const late = engine.results()
    await engine.notify('alice', 'post.created', { n: 1 })
    await next()
    const seen: DeliveryResult[] = []
    const reading = (async () => {
      for await (const result of late) seen.push(result)
    })()
    await engine.close()
    await reading
    expect(seen).toHaveLength(1)
  })
})

describe('createDeliveryEngine SSRF guard', () => {
  it('refuses a target whose DNS answer changed to a private address (rebinding)', async () => {
    const target = await receiver()
    const port = new URL(target.url).port
    let lookups = 0
    const resolve = async () => (++lookups === 1 ? ['93.184.216.34'] : ['127.0.0.1'])
    const { store, engine, checks, next } = setup({ allowPrivateTargets: false, resolve })
    const url = `http://rebind.test:${port}/`
    await checks.guard(url)
    await store.subscribe('alice', 'post.created', url)
    await engine.notify('alice', 'post.created', {})
    const result = await next()
    expect(result).toMatchObject({ outcome: 'retrying', response_status: null })
    expect(result.error).toMatch(/127\.0\.0\.1/)
    expect(target.requests).toHaveLength(0)
  })

  it('refuses a private IP target at delivery time, whatever was stored', async () => {
    const target = await receiver()
    const { store, engine, checks, next } = setup({ allowPrivateTargets: false })
    await expect(checks.guard(target.url)).rejects.toThrow(/loopback/)
    await store.subscribe('alice', 'post.created', target.url)
    await engine.notify('alice', 'post.created', {})
    expect((await next()).error).toMatch(/target refused: 127\.0\.0\.1 is loopback/)
    expect(target.requests).toHaveLength(0)
  })
})
