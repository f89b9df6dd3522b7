import { generateSecret, verify } from '@rh/protocol'
import { describe, expect, it } from 'vitest'
import { api } from '../testing/api'
import { agree, type ReceivedHook, startHookReceiver } from '../testing/receiver'
import {
  type EngineOnReceiver,
  type EngineOptions,
  resthooksTestKit,
} from '../testing/resthooks-kit'

// The recovery routes end to end: createResthooks on memory storage, a real receiver on
// 127.0.0.1, and a manual clock that fixes every created_at.

const start = Date.parse('2025-01-31T12:00:00.000Z')
const at = (ms: number) => new Date(start + ms).toISOString()

const kit = resthooksTestKit(start)
type Setup = EngineOnReceiver
/** An engine never disabled by the failures these tests make on purpose. */
const setup = (options: EngineOptions = {}) => kit.setup({ disableAfter: 1000, ...options })

async function subscribe(
  { rh, target }: Setup,
  body: Record<string, unknown> = {},
  owner = 'alice',
): Promise<{ id: string; secret: string }> {
  const created = await api(rh, 'POST', '/subscriptions', {
    owner,
    body: { target_url: target.url, events: ['post.created', 'post.deleted'], ...body },
  })
  expect(created.status).toBe(201)
  return { id: created.json.id, secret: created.json.secret }
}

/** Notifies and waits for the outcome of each of its `deliveries`; returns the message id. */
async function publish(
  s: Setup,
  event: string,
  data: unknown,
  deliveries = 1,
  owner = 'alice',
): Promise<string> {
  const receipt = await s.rh.notify(owner, event, data)
  for (let n = 0; n < deliveries; n++) await s.next()
  return receipt.message_id
}

const failing = () => ({ status: 500 })

/** Verifies a received webhook with one secret, at the clock's time. */
const verifiedBy = (s: Setup, secret: string, hook: ReceivedHook | undefined) =>
  verify(secret, hook?.body ?? '', hook?.headers ?? {}, { now: () => s.clock.now() })

describe('GET {base}/messages', () => {
  it("lists the owner's messages newest first, with the envelope as payload", async () => {
    const s = await setup()
    await subscribe(s)
    const first = await publish(s, 'post.created', { id: 1 })
    await s.clock.advance(1000)
    const second = await publish(s, 'post.deleted', { id: 1 })
    // Another owner's message is not listed.
    await s.rh.notify('bob', 'post.created', { id: 9 })

    const listed = await api(s.rh, 'GET', '/messages')
    expect(listed.status).toBe(200)
    expect(listed.json).toEqual({
      data: [
        {
          id: second,
          event: 'post.deleted',
          created_at: at(1000),
          payload: { type: 'post.deleted', timestamp: at(1000), data: { id: 1 } },
        },
        {
          id: first,
          event: 'post.created',
          created_at: at(0),
          payload: { type: 'post.created', timestamp: at(0), data: { id: 1 } },
        },
      ],
      next_cursor: null,
    })
    expect(s.target.deliveries()[0]?.body).toBe(JSON.stringify(listed.json.data[1].payload))
  })

  it('keeps a message that matched no subscription', async () => {
    const s = await setup()
    const { message_id } = await s.rh.notify('alice', 'post.created', { id: 1 })
    const listed = await api(s.rh, 'GET', '/messages')
    expect(listed.json.data.map((m: { id: string }) => m.id)).toEqual([message_id])
    const one = await api(s.rh, 'GET', `/messages/${message_id}`)
    expect(one.json.deliveries).toEqual([])
  })

  it('filters by event and by [since, until)', async () => {
    const s = await setup()
    const ids: string[] = []
    for (let n = 0; n < 4; n++) {
      ids.push(
        (await s.rh.notify('alice', n % 2 ? 'post.deleted' : 'post.created', { n })).message_id,
      )
      await s.clock.advance(1000)
    }
    const idsOf = async (query: string) => {
      const listed = await api(s.rh, 'GET', `/messages?${query}`)
      expect(listed.status, query).toBe(200)
      return listed.json.data.map((m: { id: string }) => m.id)
    }
    expect(await idsOf('event=post.created')).toEqual([ids[2], ids[0]])
    expect(await idsOf(`since=${at(1000)}&until=${at(3000)}`)).toEqual([ids[2], ids[1]])
    // The same instant written with an offset.
    expect(await idsOf(`since=${encodeURIComponent('2025-01-31T13:00:01+01:00')}`)).toEqual([
      ids[3],
      ids[2],
      ids[1],
    ])
    expect(await idsOf(`since=${at(2000)}&event=post.deleted`)).toEqual([ids[3]])
  })

  it('pages with a cursor bound to its filters', async () => {
    const s = await setup()
    const ids: string[] = []
    for (let n = 0; n < 5; n++) {
      ids.push((await s.rh.notify('alice', 'post.created', { n })).message_id)
      await s.clock.advance(1)
    }
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const query: string = cursor ? `&cursor=${cursor}` : ''
      const page = await api(s.rh, 'GET', `/messages?limit=2&event=post.created${query}`)
      expect(page.status).toBe(200)
      seen.push(...page.json.data.map((m: { id: string }) => m.id))
      cursor = page.json.next_cursor
      pages++
      if (pages === 1) {
        const elsewhere = await api(s.rh, 'GET', `/messages?limit=2&cursor=${cursor}`)
        expect(elsewhere.status).toBe(400)
        expect(elsewhere.json.code).toBe('invalid_query')
      }
    } while (cursor)
    expect(seen).toEqual(ids.reverse())
    expect(pages).toBe(3)
  })

  it('answers 400 with the field for a bad query', async () => {
    const s = await setup()
    for (const [query, path] of [
      ['since=yesterday', 'since'],
      ['until=1738324800', 'until'],
      [`since=${at(1000)}&until=${at(0)}`, 'until'],
      ['since=2025-02-30T00:00:00Z', 'since'],
      ['limit=0', 'limit'],
      ['cursor=not-ours', 'cursor'],
      ['event=a&event=b', 'event'],
    ] as const) {
      const answer = await api(s.rh, 'GET', `/messages?${query}`)
      expect(answer.status, query).toBe(400)
      expect(answer.headers.get('content-type'), query).toBe('application/problem+json')
      expect(answer.json.code, query).toBe('invalid_query')
      expect(
        answer.json.errors.map((e: { path: string }) => e.path),
        query,
      ).toContain(path)
    }
  })
})

describe('GET {base}/messages/{id}', () => {
  it('shows what became of each delivery', async () => {
    const s = await setup()
    const ok = await subscribe(s)
    const other = await startHookReceiver(failing)
    kit.defer(() => other.close())
    // The handshake needs the receiver to agree; the deliveries then fail.
    other.answer(agree)
    const broken = await subscribe({ ...s, target: other })
    other.answer(failing)
    await s.clock.advance(250)
    const id = await publish(s, 'post.created', { id: 1 }, 2)

    const answer = await api(s.rh, 'GET', `/messages/${id}`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ id, event: 'post.created', created_at: at(250) })
    const bySubscription = Object.fromEntries(
      answer.json.deliveries.map((d: { subscription_id: string }) => [d.subscription_id, d]),
    )
    expect(bySubscription).toEqual({
      [ok.id]: { subscription_id: ok.id, status: 'delivered', attempts: 1, updated_at: at(250) },
      [broken.id]: {
        subscription_id: broken.id,
        status: 'failed',
        attempts: 1,
        updated_at: at(250),
      },
    })
  })

  it("answers 404 for another owner's message, an unknown one and a malformed id", async () => {
    const s = await setup()
    const { message_id } = await s.rh.notify('alice', 'post.created', { id: 1 })
    expect((await api(s.rh, 'GET', `/messages/${message_id}`)).status).toBe(200)
    for (const [path, owner] of [
      [`/messages/${message_id}`, 'bob'],
      ['/messages/msg_01JB8X9C7A1B3C5D7E9F1G3H5J', 'alice'],
      ['/messages/msg_1', 'alice'],
      ['/messages/sub_01JB8X6T3QH6W2Y9V4KZP7M5RC', 'alice'],
    ] as const) {
      const answer = await api(s.rh, 'GET', path, { owner })
      expect(answer.status, path).toBe(404)
      expect(answer.json.code, path).toBe('not_found')
    }
  })
})

describe('GET {base}/subscriptions/{id}/messages', () => {
  it('lists the dead letters of one subscription with its delivery', async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    const delivered = await publish(s, 'post.created', { n: 1 })
    s.target.answer(failing)
    const lost = [
      await publish(s, 'post.created', { n: 2 }),
      await publish(s, 'post.created', { n: 3 }),
    ]

    const all = await api(s.rh, 'GET', `/subscriptions/${id}/messages`)
    expect(all.status).toBe(200)
    expect(all.json.data.map((m: { id: string }) => m.id)).toEqual(
      [...lost].reverse().concat(delivered),
    )
    const dead = await api(s.rh, 'GET', `/subscriptions/${id}/messages?status=failed&limit=1`)
    expect(dead.json.data).toEqual([
      {
        id: lost[1],
        event: 'post.created',
        created_at: at(0),
        payload: { type: 'post.created', timestamp: at(0), data: { n: 3 } },
        deliveries: [{ subscription_id: id, status: 'failed', attempts: 1, updated_at: at(0) }],
      },
    ])
    const rest = await api(
      s.rh,
      'GET',
      `/subscriptions/${id}/messages?status=failed&cursor=${dead.json.next_cursor}`,
    )
    expect(rest.json.data.map((m: { id: string }) => m.id)).toEqual([lost[0]])
    // A cursor of the failed list is not one of the delivered list.
    const mixed = await api(
      s.rh,
      'GET',
      `/subscriptions/${id}/messages?status=delivered&cursor=${dead.json.next_cursor}`,
    )
    expect(mixed.status).toBe(400)
  })

  it("answers 404 for another owner's subscription and 400 for an unknown status", async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    expect((await api(s.rh, 'GET', `/subscriptions/${id}/messages`, { owner: 'bob' })).status).toBe(
      404,
    )
    const bad = await api(s.rh, 'GET', `/subscriptions/${id}/messages?status=retrying`)
    expect(bad.status).toBe(400)
    expect(bad.json.errors[0].path).toBe('status')
  })
})

describe('POST {base}/messages/{id}/redeliver', () => {
  it('sends the message again with the same id and bytes, with or without a body', async () => {
    const s = await setup()
    const { id: subscriptionId } = await subscribe(s)
    s.target.answer(failing)
    const messageId = await publish(s, 'post.created', { id: 1 })
    s.target.answer(agree)

    // No body and no content type, as `curl -X POST` sends.
    const bare = await api(s.rh, 'POST', `/messages/${messageId}/redeliver`)
    expect(bare.status).toBe(202)
    expect(bare.json).toEqual({ redelivered: 1 })
    expect(await s.next()).toMatchObject({ message_id: messageId, outcome: 'delivered' })
    const [lost, again] = s.target.deliveries()
    expect(again?.headers['webhook-id']).toBe(messageId)
    expect(again?.body).toBe(lost?.body)

    const named = await api(s.rh, 'POST', `/messages/${messageId}/redeliver`, {
      body: { subscription_id: subscriptionId },
    })
    expect(named.status).toBe(202)
    expect(named.json).toEqual({ redelivered: 1 })
    await s.next()
    const shown = await api(s.rh, 'GET', `/messages/${messageId}`)
    expect(shown.json.deliveries).toEqual([
      { subscription_id: subscriptionId, status: 'delivered', attempts: 1, updated_at: at(0) },
    ])
  })

  it('answers 422 with the field for a bad body, 415 and 400 for what is not JSON', async () => {
    const s = await setup()
    const { message_id } = await s.rh.notify('alice', 'post.created', { id: 1 })
    const path = `/messages/${message_id}/redeliver`
    const bad = await api(s.rh, 'POST', path, { body: { subscription_id: 'sub_1' } })
    expect(bad.status).toBe(422)
    expect(bad.json).toMatchObject({
      code: 'invalid_request',
      errors: [{ path: 'subscription_id' }],
    })
    const unknown = await api(s.rh, 'POST', path, { body: { subscriptions: [] } })
    expect(unknown.status).toBe(422)
    const text = await api(s.rh, 'POST', path, {
      body: '{}',
      headers: { 'content-type': 'text/plain' },
    })
    expect(text.status).toBe(415)
    const untyped = await api(s.rh, 'POST', path, { body: '{}', headers: { 'content-type': '' } })
    expect(untyped.status).toBe(415)
    expect((await api(s.rh, 'POST', path, { body: '{' })).status).toBe(400)
  })

  it("answers 404 for another owner's message and a subscription it never went to", async () => {
    const s = await setup()
    await subscribe(s)
    const messageId = await publish(s, 'post.created', { id: 1 })
    const path = `/messages/${messageId}/redeliver`
    expect((await api(s.rh, 'POST', path, { owner: 'bob', body: {} })).status).toBe(404)
    const stranger = await api(s.rh, 'POST', path, {
      body: { subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC' },
    })
    expect(stranger.status).toBe(404)
    expect(s.target.deliveries()).toHaveLength(1)
  })
})

describe('POST {base}/subscriptions/{id}/replay', () => {
  it('replays the failed messages of a range in order, with the same ids and bytes', async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    s.target.answer(failing)
    const lost: string[] = []
    for (let n = 0; n < 3; n++) {
      lost.push(await publish(s, 'post.created', { n }))
      await s.clock.advance(1000)
    }
    s.target.answer(agree)
    const before = s.target.deliveries().map((d) => d.body)

    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/replay`, {
      body: { since: at(1000), until: at(3000), status: 'failed' },
    })
    expect(answer.status).toBe(202)
    expect(answer.json).toEqual({ replayed: 2 })
    await s.next()
    await s.next()
    const replayed = s.target.deliveries().slice(3)
    expect(replayed.map((d) => d.headers['webhook-id'])).toEqual(lost.slice(1))
    expect(replayed.map((d) => d.body)).toEqual(before.slice(1))

    // What is left: only the first; `since` alone reaches up to now.
    const rest = await api(s.rh, 'POST', `/subscriptions/${id}/replay`, { body: { since: at(0) } })
    expect(rest.json).toEqual({ replayed: 1 })
  })

  it('answers 409 subscription_inactive for a paused subscription', async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    await api(s.rh, 'PATCH', `/subscriptions/${id}`, { body: { status: 'paused' } })
    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/replay`, {
      body: { since: at(0) },
    })
    expect(answer.status).toBe(409)
    expect(answer.json.code).toBe('subscription_inactive')
  })

  it('answers 422 with the field for a bad body, and 404 across owners', async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    const path = `/subscriptions/${id}/replay`
    for (const [body, field] of [
      [{}, 'since'],
      [{ since: 'yesterday' }, 'since'],
      [{ since: at(1000), until: at(0) }, 'until'],
      [{ since: '2025-02-30T00:00:00Z' }, 'since'],
      [{ since: at(0), status: 'pending' }, 'status'],
    ] as const) {
      const answer = await api(s.rh, 'POST', path, { body })
      expect(answer.status, JSON.stringify(body)).toBe(422)
      expect(answer.json.code).toBe('invalid_request')
      expect(answer.json.errors.map((e: { path: string }) => e.path)).toContain(field)
    }
    // A body is required here.
    expect((await api(s.rh, 'POST', path)).status).toBe(415)
    expect((await api(s.rh, 'POST', path, { owner: 'bob', body: { since: at(0) } })).status).toBe(
      404,
    )
  })
})

describe('POST {base}/subscriptions/{id}/rotate-secret', () => {
  it('answers a new secret and signs with both until the grace period ends', async () => {
    const s = await setup()
    const { id, secret: old } = await subscribe(s)
    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/rotate-secret`, {
      body: { grace_seconds: 3600 },
    })
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      secret: expect.stringMatching(/^whsec_/),
      previous_secret_expires_at: at(3_600_000),
    })
    const fresh: string = answer.json.secret
    expect(fresh).not.toBe(old)

    await publish(s, 'post.created', { id: 1 })
    const signed = s.target.deliveries()[0]
    expect(signed?.headers['webhook-signature']?.split(' ')).toHaveLength(2)
    // Each secret alone verifies it: a receiver may switch at any time in the grace period.
    for (const secret of [old, fresh]) {
      await expect(verifiedBy(s, secret, signed)).resolves.toBeDefined()
    }

    await s.clock.advance(3_600_000)
    await publish(s, 'post.created', { id: 2 })
    const later = s.target.deliveries()[1]
    expect(later?.headers['webhook-signature']?.split(' ')).toHaveLength(1)
    await expect(verifiedBy(s, fresh, later)).resolves.toBeDefined()
    await expect(verifiedBy(s, old, later)).rejects.toThrow()
  })

  it('takes no body, and refuses a grace period past 7 days', async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    const path = `/subscriptions/${id}/rotate-secret`
    const bare = await api(s.rh, 'POST', path)
    expect(bare.status).toBe(200)
    expect(bare.json.previous_secret_expires_at).toBe(at(24 * 3_600_000))
    const long = await api(s.rh, 'POST', path, { body: { grace_seconds: 7 * 86400 + 1 } })
    expect(long.status).toBe(422)
    expect(long.json.errors[0].path).toBe('grace_seconds')
    expect((await api(s.rh, 'POST', path, { owner: 'bob' })).status).toBe(404)
  })

  it('answers 409 no_subscription_secret when the server signs with its own key', async () => {
    const s = await setup({ signing: { secret: generateSecret() } })
    const { id } = await subscribe(s)
    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/rotate-secret`)
    expect(answer.status).toBe(409)
    expect(answer.json.code).toBe('no_subscription_secret')
  })
})

describe('POST {base}/subscriptions/{id}/test', () => {
  it('sends a signed rh.ping and answers with the attempt', async () => {
    const s = await setup()
    const { id, secret } = await subscribe(s)
    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/test`)
    expect(answer.status).toBe(200)
    expect(answer.json).toEqual({
      id: expect.stringMatching(/^atm_/),
      message_id: expect.stringMatching(/^msg_/),
      event: 'rh.ping',
      attempt: 1,
      outcome: 'delivered',
      response_status: 204,
      error: null,
      response_excerpt: null,
      duration_ms: expect.any(Number),
      started_at: at(0),
    })
    const [ping] = s.target.deliveries()
    expect(JSON.parse(ping?.body ?? '')).toEqual({ type: 'rh.ping', timestamp: at(0), data: {} })
    expect(ping?.headers['webhook-id']).toBe(answer.json.message_id)
    await expect(verifiedBy(s, secret, ping)).resolves.toEqual({
      id: answer.json.message_id,
      timestamp: start / 1000,
    })
  })

  it("answers 200 with the receiver's failure, and 404 across owners", async () => {
    const s = await setup()
    const { id } = await subscribe(s)
    s.target.answer(failing)
    const answer = await api(s.rh, 'POST', `/subscriptions/${id}/test`)
    expect(answer.status).toBe(200)
    expect(answer.json).toMatchObject({ outcome: 'failed', response_status: 500 })
    expect((await api(s.rh, 'POST', `/subscriptions/${id}/test`, { owner: 'bob' })).status).toBe(
      404,
    )
  })
})

describe('the recovery routes', () => {
  it('answer 405 with Allow for another method, and 401 without an owner', async () => {
    const s = await setup()
    const sub = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'
    const msg = 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J'
    for (const [method, path, allow] of [
      ['POST', '/messages', 'GET'],
      ['DELETE', `/messages/${msg}`, 'GET'],
      ['GET', `/messages/${msg}/redeliver`, 'POST'],
      ['POST', `/subscriptions/${sub}/messages`, 'GET'],
      ['GET', `/subscriptions/${sub}/replay`, 'POST'],
      ['PUT', `/subscriptions/${sub}/rotate-secret`, 'POST'],
      ['GET', `/subscriptions/${sub}/test`, 'POST'],
    ] as const) {
      const answer = await api(s.rh, method, path)
      expect(answer.status, `${method} ${path}`).toBe(405)
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allow)
    }
    expect((await api(s.rh, 'GET', '/messages', { owner: null })).status).toBe(401)
  })
})
