import { afterEach, describe, expect, it } from 'vitest'
import { startGoResthooks } from '../../../conformance/src/fixtures/go-resthooks'
import { createResthooks, type ResthooksOptions } from '../create-resthooks'
import { api, bearerOwner } from '../testing/api'
import { agree, type HookReceiver, startHookReceiver } from '../testing/receiver'

const cleanups: (() => Promise<void>)[] = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

function setup(options: Partial<ResthooksOptions> = {}) {
  const rh = createResthooks({
    authenticate: bearerOwner,
    allowPrivateTargets: true,
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

// What go-resthooks' own Subscription struct marshals: user_id and the zero id.
const goBody = (target: string) => ({
  id: 0,
  user_id: 1,
  event: 'post_created',
  target_url: target,
})

describe('the go-resthooks aliases', () => {
  it("accept go-resthooks' own request body, user_id and id: 0 included, and answer 200 as it does", async () => {
    const rh = setup()
    const target = await receiver()
    const created = await api(rh, 'POST', '/subscribe', { body: goBody(target.url) })
    expect(created.status).toBe(200)
    expect(Object.keys(created.json).slice(0, 4)).toEqual(['id', 'user_id', 'event', 'target_url'])
    expect(created.json).toMatchObject({
      id: expect.stringMatching(/^sub_/),
      user_id: 1,
      event: 'post_created',
      target_url: target.url,
      events: ['post_created'],
      status: 'active',
    })
    const removed = await api(rh, 'DELETE', `/unsubscribe/${created.json.id}`)
    expect(removed.status).toBe(200)
    expect(removed.text).toBe('')
  })

  it('keep the authenticated owner: user_id never chooses whose subscription it is', async () => {
    const rh = setup()
    const target = await receiver()
    const created = await api(rh, 'POST', '/subscribe', {
      owner: 'alice',
      body: { ...goBody(target.url), user_id: 'bob' },
    })
    expect(created.json.user_id).toBe('bob')
    expect(
      (await api(rh, 'GET', `/subscriptions/${created.json.id}`, { owner: 'bob' })).status,
    ).toBe(404)
    expect((await api(rh, 'GET', `/subscriptions/${created.json.id}`)).status).toBe(200)
  })

  it('echo user_id 0 when none was sent, as go-resthooks marshals its zero value', async () => {
    const rh = setup()
    const target = await receiver()
    const created = await api(rh, 'POST', '/subscribe', {
      body: { event: 'a.b', target_url: target.url },
    })
    expect(created.json).toMatchObject({ user_id: 0, event: 'a.b' })
  })

  it('refuse an id other than 0, which only the server chooses', async () => {
    const rh = setup()
    const target = await receiver()
    const refused = await api(rh, 'POST', '/subscribe', { body: { ...goBody(target.url), id: 7 } })
    expect(refused.status).toBe(422)
    expect(refused.json.errors).toEqual([
      { path: 'id', message: 'id is chosen by the server: send 0 or leave it out' },
    ])
  })

  it.each([
    ['text/plain', { 'content-type': 'text/plain' }],
    ['no content type', {}],
  ])(
    'read the body as JSON whatever its content type (%s), as go-resthooks does',
    async (_, headers) => {
      const rh = setup()
      const target = await receiver()
      const body = JSON.stringify(goBody(target.url))
      const response = await rh.fetch(
        new Request('http://rh.test/hooks/subscribe', {
          method: 'POST',
          headers: { authorization: 'Bearer alice', ...headers },
          body: new TextEncoder().encode(body),
        }),
      )
      expect(response.status).toBe(200)
      // /subscriptions stays strict.
      const strict = await api(rh, 'POST', '/subscriptions', {
        body: JSON.stringify({ events: ['a.b'], target_url: target.url }),
        headers: { 'content-type': 'text/plain' },
      })
      expect(strict.status).toBe(415)
    },
  )

  it('skip the handshake on the alias when aliasHandshake is false, and keep it on /subscriptions', async () => {
    const rh = setup({ aliasHandshake: false })
    // A go-resthooks consumer: answers 200 without a challenge.
    const target = await receiver(() => ({ status: 200 }))
    const created = await api(rh, 'POST', '/subscribe', { body: goBody(target.url) })
    expect(created.status).toBe(200)
    expect(target.received).toHaveLength(0)
    const refused = await api(rh, 'POST', '/subscriptions', {
      body: { events: ['a.b'], target_url: target.url },
    })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('handshake_failed')
  })

  it('run the handshake on the alias by default, as /subscriptions does', async () => {
    const rh = setup()
    const target = await receiver(() => ({ status: 200 }))
    const refused = await api(rh, 'POST', '/subscribe', { body: goBody(target.url) })
    expect(refused.status).toBe(422)
    expect(refused.json.code).toBe('handshake_failed')
  })

  it('answer a go-resthooks request as the go-resthooks stand-in does: status, fields, unsubscribe', async () => {
    const go = await startGoResthooks()
    cleanups.push(() => go.close())
    const rh = setup({ aliasHandshake: false })
    const target = await receiver()
    const post = (base: string) =>
      fetch(`${base}/subscribe`, {
        method: 'POST',
        headers: { authorization: 'Bearer alice' },
        body: JSON.stringify(goBody(target.url)),
      })
    const fromGo = await post(go.url)
    const fromRh = await rh.fetch(
      new Request('http://rh.test/hooks/subscribe', {
        method: 'POST',
        headers: { authorization: 'Bearer alice' },
        body: JSON.stringify(goBody(target.url)),
      }),
    )
    expect(fromRh.status).toBe(fromGo.status)
    const [goJson, rhJson] = [await fromGo.json(), await fromRh.json()]
    const first4 = (json: Record<string, unknown>) => Object.keys(json).slice(0, 4)
    expect(first4(rhJson)).toEqual(first4(goJson))
    const { id: _, ...goRest } = goJson
    const { id: __, ...rhRest } = rhJson
    expect(rhRest).toMatchObject(goRest)
    const goGone = await fetch(`${go.url}/unsubscribe/${goJson.id}`, { method: 'DELETE' })
    const rhGone = await api(rh, 'DELETE', `/unsubscribe/${rhJson.id}`)
    expect([rhGone.status, rhGone.text]).toEqual([goGone.status, await goGone.text()])
  })
})
