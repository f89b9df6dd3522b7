import { generateSecret, verify } from '@rh/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import { createResthooks, type Resthooks, type ResthooksOptions } from './create-resthooks'
import type { DeliveryResult } from './delivery/types'
import { ResthooksError } from './errors'
import { memoryStore } from './store/memory-store'
import { api, bearerOwner } from './testing/api'
import { agree, type HookReceiver, startHookReceiver } from './testing/receiver'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setup(options: Partial<ResthooksOptions> = {}): Resthooks {
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
    // Retries far away: a test sees first attempts only, unless it says otherwise.
    retry: { initialDelay: 3_600_000 },
    onError: () => {},
    ...options,
  })
  cleanups.push(() => rh.close({ graceMs: 0 }))
  return rh
}

async function receiver(answer = agree): Promise<HookReceiver> {
  const started = await startHookReceiver(answer)
  cleanups.push(() => started.close())
  return started
}

async function firstResult(
  rh: Resthooks,
  trigger: () => Promise<unknown>,
  where: (result: DeliveryResult) => boolean = () => true,
): Promise<DeliveryResult> {
  const results = rh.results()
  await trigger()
  for await (const result of results) if (where(result)) return result
  throw new Error('the results ended')
}

const subscribe = (rh: Resthooks, body: object, owner = 'alice') =>
  api(rh, 'POST', '/subscriptions', { owner, body })

describe('createResthooks: create', () => {
  it('stores a subscription once its target echoes the challenge, and answers 201', async () => {
    const rh = setup()
    const target = await receiver()
    const created = await subscribe(rh, {
      target_url: target.url,
      events: ['post.created'],
      metadata: { team: 'editorial' },
    })
    expect(created.status).toBe(201)
    expect(created.headers.get('content-type')).toBe('application/json')
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^sub_[0-9A-Z]{26}$/),
      events: ['post.created'],
      target_url: target.url,
      status: 'active',
      metadata: { team: 'editorial' },
      secret: expect.stringMatching(/^whsec_/),
    })
    expect(created.json.created_at).toBe(created.json.updated_at)
    expect(
      new URL(created.headers.get('location') ?? '', 'http://rh.test/hooks/subscriptions').href,
    ).toBe(`http://rh.test/hooks/subscriptions/${created.json.id}`)
    expect(target.received).toHaveLength(1)
    const { secret: _, ...resource } = created.json
    expect((await api(rh, 'GET', `/subscriptions/${created.json.id}`)).json).toEqual(resource)
  })

  it('signs deliveries with the secret it generated', async () => {
    const rh = setup()
    const target = await receiver()
    const created = await subscribe(rh, { target_url: target.url, events: ['post.created'] })
    const result = await firstResult(rh, () => rh.notify('alice', 'post.created', { id: 'p_1' }))
    expect(result.outcome).toBe('delivered')
    const [delivery] = target.deliveries()
    if (!delivery) throw new Error('no delivery')
    await expect(verify(created.json.secret, delivery.body, delivery.headers)).resolves.toEqual({
      id: result.message_id,
      timestamp: expect.any(Number),
    })
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'post.created', data: { id: 'p_1' } })
  })

  it('signs with a secret the subscriber chose and never echoes it', async () => {
    const rh = setup()
    const target = await receiver()
    const secret = generateSecret()
    const created = await subscribe(rh, { target_url: target.url, events: ['a.b'], secret })
    expect(created.status).toBe(201)
    expect(created.json.secret).toBeUndefined()
    expect(created.text).not.toContain(secret.slice(6))
    const [handshake] = target.received
    if (!handshake) throw new Error('no handshake')
    await expect(verify(secret, handshake.body, handshake.headers)).resolves.toBeTruthy()
  })

  it('shows the public key of a generated Ed25519 key, never the signing key', async () => {
    const rh = setup({ signing: { perSubscription: 'v1a' } })
    const target = await receiver()
    const created = await subscribe(rh, { target_url: target.url, events: ['a.b'] })
    expect(created.json.secret).toMatch(/^whpk_/)
    await firstResult(rh, () => rh.notify('alice', 'a.b', { n: 1 }))
    const [delivery] = target.deliveries()
    if (!delivery) throw new Error('no delivery')
    await expect(verify(created.json.secret, delivery.body, delivery.headers)).resolves.toBeTruthy()
  })

  it('omits the secret when the server signs with its own key', async () => {
    const rh = setup({ signing: { secret: generateSecret() } })
    const target = await receiver()
    const created = await subscribe(rh, { target_url: target.url, events: ['a.b'] })
    expect(created.status).toBe(201)
    expect(created.json).not.toHaveProperty('secret')
  })

  it('stores nothing when the target does not echo the challenge', async () => {
    const rh = setup()
    const target = await receiver(() => ({ status: 200, body: '{"challenge":"wrong"}' }))
    const refused = await subscribe(rh, { target_url: target.url, events: ['a.b'] })
    expect(refused.status).toBe(422)
    expect(refused.headers.get('content-type')).toBe('application/problem+json')
    expect(refused.json).toMatchObject({
      type: 'urn:rh:problem:handshake_failed',
      code: 'handshake_failed',
      status: 422,
    })
    expect((await api(rh, 'GET', '/subscriptions')).json.data).toEqual([])
  })

  it('refuses a loopback target before connecting when private targets are not allowed', async () => {
    const rh = setup({ allowPrivateTargets: false })
    const target = await receiver()
    const refused = await subscribe(rh, { target_url: target.url, events: ['a.b'] })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('target_refused')
    expect(target.received).toEqual([])
    expect((await api(rh, 'GET', '/subscriptions')).json.data).toEqual([])
  })

  it('stores without contacting the target when the handshake is off', async () => {
    const rh = setup({ handshake: false })
    const target = await receiver()
    const created = await subscribe(rh, { target_url: target.url, events: ['a.b'] })
    expect(created.status).toBe(201)
    expect(target.received).toEqual([])
  })

  it('removes duplicate events', async () => {
    const rh = setup({ handshake: false })
    const created = await subscribe(rh, {
      target_url: 'http://127.0.0.1:9/x',
      events: ['a', 'b', 'a'],
    })
    expect(created.json.events).toEqual(['a', 'b'])
  })

  it('answers 422 unknown_event for an event outside the allow-list, naming it', async () => {
    const rh = setup({ handshake: false, events: ['post.created'] })
    const refused = await subscribe(rh, {
      target_url: 'http://127.0.0.1:9/x',
      events: ['post.created', 'post.deleted'],
    })
    expect(refused.status).toBe(422)
    expect(refused.json).toMatchObject({
      code: 'unknown_event',
      errors: [{ path: 'events.1', message: expect.stringContaining('post.deleted') }],
    })
  })
})

describe('createResthooks: bad input', () => {
  const valid = { target_url: 'http://127.0.0.1:9/x', events: ['a.b'] }

  it('lists one error per invalid field', async () => {
    const rh = setup()
    const refused = await subscribe(rh, { target_url: 'not a url', events: ['', 'ok'] })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('invalid_request')
    const paths = refused.json.errors.map((error: { path: string }) => error.path)
    expect(paths).toEqual(expect.arrayContaining(['target_url', 'events.0']))
  })

  it('rejects an unknown field instead of ignoring it', async () => {
    const rh = setup()
    const refused = await subscribe(rh, { ...valid, event: 'a.b' })
    expect(refused.status).toBe(422)
    expect(refused.json.errors).toEqual([{ path: 'event', message: expect.any(String) }])
  })

  it('answers 400 malformed_json for broken JSON and for bytes that are not UTF-8', async () => {
    const rh = setup()
    expect((await api(rh, 'POST', '/subscriptions', { body: '{"events":' })).json.code).toBe(
      'malformed_json',
    )
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])
    const response = await rh.fetch(
      new Request('http://rh.test/hooks/subscriptions', {
        method: 'POST',
        headers: { authorization: 'Bearer alice', 'content-type': 'application/json' },
        body: bytes,
      }),
    )
    expect(response.status).toBe(400)
    expect(((await response.json()) as { code: string }).code).toBe('malformed_json')
  })

  it('answers 415 for a body that is not declared JSON', async () => {
    const rh = setup()
    for (const type of ['text/plain', 'application/jsonx', 'multipart/form-data']) {
      const refused = await api(rh, 'POST', '/subscriptions', {
        body: JSON.stringify(valid),
        headers: { 'content-type': type },
      })
      expect(refused.status, type).toBe(415)
    }
    const response = await rh.fetch(
      new Request('http://rh.test/hooks/subscriptions', {
        method: 'POST',
        headers: { authorization: 'Bearer alice' },
        body: new Blob([JSON.stringify(valid)]),
      }),
    )
    expect(response.status).toBe(415)
  })

  it('accepts a charset parameter and any case of the media type', async () => {
    const rh = setup({ handshake: false })
    const created = await api(rh, 'POST', '/subscriptions', {
      body: JSON.stringify(valid),
      headers: { 'content-type': 'Application/JSON; charset=utf-8' },
    })
    expect(created.status).toBe(201)
  })

  it('answers 413 when Content-Length announces more than the limit', async () => {
    const rh = setup({ maxBodyBytes: 100 })
    const refused = await api(rh, 'POST', '/subscriptions', {
      body: JSON.stringify({ ...valid, metadata: { a: 'x'.repeat(200) } }),
    })
    expect(refused.status).toBe(413)
    expect(refused.json.code).toBe('payload_too_large')
  })

  it('stops reading a streamed body once it grows past the limit', async () => {
    const rh = setup({ maxBodyBytes: 1024 })
    let pulled = 0
    let cancelled = false
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled++
        controller.enqueue(new TextEncoder().encode(`{"metadata":{"a":"${'x'.repeat(500)}`))
      },
      cancel() {
        cancelled = true
      },
    })
    const response = await rh.fetch(
      new Request('http://rh.test/hooks/subscriptions', {
        method: 'POST',
        headers: { authorization: 'Bearer alice', 'content-type': 'application/json' },
        body: endless,
        duplex: 'half',
      } as RequestInit),
    )
    expect(response.status).toBe(413)
    expect(pulled).toBeLessThan(10)
    expect(cancelled).toBe(true)
  })

  it('refuses text with a NUL character, which no database column can store', async () => {
    const rh = setup({ handshake: false })
    const refused = await subscribe(rh, { ...valid, metadata: { a: 'x\u0000y' } })
    expect(refused.status).toBe(422)
    expect(refused.json.errors).toEqual([{ path: 'metadata.a', message: expect.any(String) }])
  })
})

describe('createResthooks: list', () => {
  async function seed(rh: Resthooks, count: number, events = ['a.b'], owner = 'alice') {
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      const created = await subscribe(rh, { target_url: 'http://127.0.0.1:9/x', events }, owner)
      ids.push(created.json.id)
    }
    return ids
  }

  it('pages newest first, following next_cursor to the end', async () => {
    const rh = setup({ handshake: false })
    const ids = await seed(rh, 5)
    const seen: string[] = []
    let path = '/subscriptions?limit=2'
    for (;;) {
      const page = await api(rh, 'GET', path)
      expect(page.status).toBe(200)
      seen.push(...page.json.data.map((s: { id: string }) => s.id))
      if (page.json.next_cursor === null) break
      path = `/subscriptions?limit=2&cursor=${encodeURIComponent(page.json.next_cursor)}`
    }
    expect(seen).toEqual([...ids].reverse())
  })

  it('lists only the subscriptions to the event asked for', async () => {
    const rh = setup({ handshake: false })
    const wanted = await seed(rh, 2, ['a.b', 'c.d'])
    await seed(rh, 2, ['c.d'])
    const page = await api(rh, 'GET', '/subscriptions?event=a.b')
    expect(page.json.data.map((s: { id: string }) => s.id)).toEqual([...wanted].reverse())
  })

  it("never lists another owner's subscriptions", async () => {
    const rh = setup({ handshake: false })
    await seed(rh, 2, ['a.b'], 'bob')
    expect((await api(rh, 'GET', '/subscriptions')).json).toEqual({ data: [], next_cursor: null })
  })

  it('refuses a cursor issued for another event filter', async () => {
    const rh = setup({ handshake: false })
    await seed(rh, 3)
    const first = await api(rh, 'GET', '/subscriptions?limit=1')
    const cursor = encodeURIComponent(first.json.next_cursor)
    const refused = await api(rh, 'GET', `/subscriptions?event=a.b&cursor=${cursor}`)
    expect(refused.status).toBe(400)
    expect(refused.json.code).toBe('invalid_query')
  })

  it('answers 400 invalid_query for a bad limit, cursor, event or a repeated parameter', async () => {
    const rh = setup()
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'limit=',
      'cursor=',
      'cursor=!!!',
      'cursor=eyJ9',
      'event=%20',
      'limit=1&limit=2',
    ]) {
      const refused = await api(rh, 'GET', `/subscriptions?${query}`)
      expect(refused.status, query).toBe(400)
      expect(refused.json.code, query).toBe('invalid_query')
    }
  })
})

describe('createResthooks: one subscription', () => {
  async function created(rh: Resthooks, owner = 'alice') {
    const result = await subscribe(
      rh,
      { target_url: 'http://127.0.0.1:9/x', events: ['a.b'] },
      owner,
    )
    return result.json.id as string
  }

  it("answers another owner's id exactly like an unknown one", async () => {
    const rh = setup({ handshake: false })
    const id = await created(rh, 'bob')
    const unknown = 'sub_00000000000000000000000000'
    for (const [method, body] of [
      ['GET', undefined],
      ['PATCH', { status: 'paused' }],
      ['DELETE', undefined],
    ] as const) {
      const theirs = await api(rh, method, `/subscriptions/${id}`, { body })
      const none = await api(rh, method, `/subscriptions/${unknown}`, { body })
      expect(theirs.status, method).toBe(404)
      expect(theirs.text, method).toBe(none.text)
    }
    expect((await api(rh, 'GET', `/subscriptions/${id}/attempts`)).status).toBe(404)
    expect((await api(rh, 'GET', `/subscriptions/${id}`, { owner: 'bob' })).status).toBe(200)
  })

  it('answers 404 for an id this server could never have issued', async () => {
    const rh = setup()
    for (const id of ['nope', 'sub_', `sub_${'0'.repeat(27)}`, '%00']) {
      expect((await api(rh, 'GET', `/subscriptions/${id}`)).status, id).toBe(404)
    }
  })

  it('pauses, replaces metadata and sets updated_at', async () => {
    const rh = setup({ handshake: false })
    const target = 'http://127.0.0.1:9/x'
    const first = await subscribe(rh, { target_url: target, events: ['a.b'], metadata: { a: '1' } })
    const updated = await api(rh, 'PATCH', `/subscriptions/${first.json.id}`, {
      body: { status: 'paused', metadata: { b: '2' } },
    })
    expect(updated.status).toBe(200)
    expect(updated.json).toMatchObject({
      status: 'paused',
      metadata: { b: '2' },
      target_url: target,
    })
    expect(updated.json.created_at).toBe(first.json.created_at)
  })

  it('refuses an empty patch, an unknown field and the status disabled', async () => {
    const rh = setup({ handshake: false })
    const id = await created(rh)
    for (const body of [{}, { secret: generateSecret() }, { status: 'disabled' }, { id }]) {
      const refused = await api(rh, 'PATCH', `/subscriptions/${id}`, { body })
      expect(refused.status, JSON.stringify(body)).toBe(422)
      expect(refused.json.code).toBe('invalid_request')
    }
  })

  it('re-enables a disabled subscription and resets its failure count', async () => {
    const rh = setup({ handshake: false })
    const id = await created(rh)
    await rh.store.update('alice', id, {
      status: 'disabled',
      consecutive_failures: 5,
      updated_at: new Date().toISOString(),
    })
    const updated = await api(rh, 'PATCH', `/subscriptions/${id}`, { body: { status: 'active' } })
    expect(updated.json.status).toBe('active')
    expect((await rh.store.get('alice', id))?.consecutive_failures).toBe(0)
  })

  it('runs the handshake again for a new target and keeps the old one when it fails', async () => {
    const rh = setup()
    const first = await receiver()
    const second = await receiver(() => ({ status: 500 }))
    const id = (await subscribe(rh, { target_url: first.url, events: ['a.b'] })).json.id
    const refused = await api(rh, 'PATCH', `/subscriptions/${id}`, {
      body: { target_url: second.url },
    })
    expect(refused.json.code).toBe('handshake_failed')
    expect(second.received).toHaveLength(1)
    expect((await api(rh, 'GET', `/subscriptions/${id}`)).json.target_url).toBe(first.url)
    second.answer(agree)
    const moved = await api(rh, 'PATCH', `/subscriptions/${id}`, {
      body: { target_url: second.url },
    })
    expect(moved.json.target_url).toBe(second.url)
  })

  it('runs the handshake again for new events, not for a pause', async () => {
    const rh = setup()
    const target = await receiver()
    const id = (await subscribe(rh, { target_url: target.url, events: ['a.b'] })).json.id
    await api(rh, 'PATCH', `/subscriptions/${id}`, { body: { status: 'paused' } })
    expect(target.received).toHaveLength(1)
    await api(rh, 'PATCH', `/subscriptions/${id}`, { body: { events: ['a.b', 'c.d'] } })
    expect(target.received).toHaveLength(2)
    expect(JSON.parse(target.received[1]?.body ?? '').data.events).toEqual(['a.b', 'c.d'])
  })

  it('deletes once: 204, then 404', async () => {
    const rh = setup({ handshake: false })
    const id = await created(rh)
    const deleted = await api(rh, 'DELETE', `/subscriptions/${id}`)
    expect(deleted.status).toBe(204)
    expect(deleted.text).toBe('')
    expect((await api(rh, 'DELETE', `/subscriptions/${id}`)).status).toBe(404)
    expect((await api(rh, 'GET', `/subscriptions/${id}`)).status).toBe(404)
  })

  it('drops the pending retries of a deleted subscription', async () => {
    const rh = setup()
    const target = await receiver()
    const id = (await subscribe(rh, { target_url: target.url, events: ['a.b'] })).json.id
    target.answer(() => ({ status: 503 }))
    const result = await firstResult(rh, () => rh.notify('alice', 'a.b', {}))
    expect(result.outcome).toBe('retrying')
    expect(await rh.queue.size()).toBe(1)
    await api(rh, 'DELETE', `/subscriptions/${id}`)
    expect(await rh.queue.size()).toBe(0)
  })

  it('lists the attempts of a subscription, newest first', async () => {
    const rh = setup()
    const target = await receiver()
    const id = (await subscribe(rh, { target_url: target.url, events: ['a.b'] })).json.id
    target.answer(() => ({ status: 500, body: '{"error":"db down"}' }))
    const result = await firstResult(rh, () => rh.notify('alice', 'a.b', {}))
    const attempts = await api(rh, 'GET', `/subscriptions/${id}/attempts`)
    expect(attempts.status).toBe(200)
    expect(attempts.json).toEqual({
      data: [
        {
          id: expect.stringMatching(/^atm_/),
          message_id: result.message_id,
          event: 'a.b',
          attempt: 1,
          outcome: 'failed',
          response_status: 500,
          error: null,
          response_excerpt: '{"error":"db down"}',
          duration_ms: expect.any(Number),
          started_at: expect.any(String),
          next_attempt_at: expect.any(String),
        },
      ],
      next_cursor: null,
    })
  })

  it('answers the go-resthooks aliases like the routes they stand for', async () => {
    const rh = setup()
    const target = await receiver()
    const created = await api(rh, 'POST', '/subscribe', {
      body: { event: 'a.b', target_url: target.url },
    })
    // go-resthooks answers 200 (not 201) to subscribe, and 200 (not 204) to unsubscribe.
    expect(created.status).toBe(200)
    expect(created.json).toMatchObject({
      events: ['a.b'],
      secret: expect.stringMatching(/^whsec_/),
    })
    expect(
      new URL(created.headers.get('location') ?? '', 'http://rh.test/hooks/subscribe').pathname,
    ).toBe(`/hooks/subscriptions/${created.json.id}`)
    const refused = await api(rh, 'POST', '/subscribe', {
      body: { events: ['a.b'], target_url: target.url },
    })
    expect(refused.status).toBe(422)
    expect((await api(rh, 'DELETE', `/unsubscribe/${created.json.id}`)).status).toBe(200)
    expect((await api(rh, 'DELETE', `/unsubscribe/${created.json.id}`)).status).toBe(404)
  })
})

describe('createResthooks: routing', () => {
  it('serves under any prefix', async () => {
    const rh = setup()
    for (const url of [
      'http://rh.test/subscriptions',
      'http://rh.test/hooks/subscriptions',
      'http://rh.test/api/v1/webhooks/subscriptions',
    ]) {
      expect((await api(rh, 'GET', url)).status, url).toBe(200)
    }
  })

  it('answers 404 problem+json for an unknown path', async () => {
    const rh = setup()
    for (const path of [
      '/',
      '/subscriptions/',
      '/subscription',
      '/unsubscribe',
      '/subscriptions/x/y',
    ]) {
      const missing = await api(rh, 'GET', path)
      expect(missing.status, path).toBe(404)
      expect(missing.headers.get('content-type')).toBe('application/problem+json')
    }
  })

  it('answers 405 with Allow for a method the route does not have', async () => {
    const rh = setup()
    const id = 'sub_00000000000000000000000000'
    for (const [method, path, allow] of [
      ['PUT', '/subscriptions', 'GET, POST'],
      ['POST', `/subscriptions/${id}`, 'GET, PATCH, DELETE'],
      ['DELETE', `/subscriptions/${id}/attempts`, 'GET'],
      ['GET', '/subscribe', 'POST'],
      ['GET', `/unsubscribe/${id}`, 'DELETE'],
    ] as const) {
      const refused = await api(rh, method, path)
      expect(refused.status, `${method} ${path}`).toBe(405)
      expect(refused.headers.get('allow')).toBe(allow)
      expect(refused.json.code).toBe('method_not_allowed')
    }
  })

  it('answers 401 when authenticate finds no owner, also asynchronously', async () => {
    const rh = setup({ authenticate: async (request) => bearerOwner(request) })
    expect((await api(rh, 'GET', '/subscriptions', { owner: null })).json.code).toBe('unauthorized')
    expect((await api(rh, 'GET', '/subscriptions', { owner: 'alice' })).status).toBe(200)
  })

  it('answers 500 internal without details when the store fails, and reports the error', async () => {
    const errors: unknown[] = []
    const store = {
      ...memoryStore(),
      list: async () => Promise.reject(new Error('db password is hunter2')),
    }
    const rh = setup({
      store: store as unknown as ResthooksOptions['store'] & object,
      onError: (error) => errors.push(error),
    })
    const failed = await api(rh, 'GET', '/subscriptions')
    expect(failed.status).toBe(500)
    expect(failed.json.code).toBe('internal')
    expect(failed.text).not.toContain('hunter2')
    expect(errors).toHaveLength(1)
  })

  it('lets authenticate refuse with a problem of its own', async () => {
    const rh = setup({
      authenticate: () => {
        throw new ResthooksError('rate_limited', 'slow down')
      },
    })
    const refused = await api(rh, 'GET', '/subscriptions')
    expect(refused.status).toBe(429)
    expect(refused.json).toMatchObject({ code: 'rate_limited', detail: 'slow down' })
  })

  it('answers 503 once closed', async () => {
    const rh = setup()
    await rh.close()
    const refused = await api(rh, 'GET', '/subscriptions')
    expect(refused.status).toBe(503)
    expect(refused.json.code).toBe('unavailable')
  })
})

describe('createResthooks: notify', () => {
  it('refuses an event outside the allow-list', async () => {
    const rh = setup({ events: ['a.b'] })
    await expect(rh.notify('alice', 'c.d', {})).rejects.toMatchObject({ code: 'unknown_event' })
    await expect(rh.notify('alice', 'a.b', {})).resolves.toMatchObject({ deliveries: 0 })
  })

  it("delivers to the owner's active subscriptions to the event only", async () => {
    const rh = setup()
    const target = await receiver()
    const alice = (await subscribe(rh, { target_url: target.url, events: ['a.b'] })).json.id
    await subscribe(rh, { target_url: target.url, events: ['a.b'] }, 'bob')
    const paused = (await subscribe(rh, { target_url: target.url, events: ['a.b'] })).json.id
    await api(rh, 'PATCH', `/subscriptions/${paused}`, { body: { status: 'paused' } })
    const result = await firstResult(rh, async () => {
      expect(await rh.notify('alice', 'a.b', { n: 1 })).toMatchObject({ deliveries: 1 })
    })
    expect(result).toMatchObject({ subscription_id: alice, outcome: 'delivered' })
  })
})
