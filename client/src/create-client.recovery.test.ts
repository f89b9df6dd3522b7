// The recovery calls end to end: the client against a real @rh/server, which delivers to a real
// createReceiver, over node:http sockets on 127.0.0.1.
import { generateSecret } from '@rh/protocol'
import { createResthooks } from '@rh/server'
import { toNodeHandler as serverNodeHandler } from '@rh/server/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RhClientError } from './client-error'
import { createClient } from './create-client'
import { createReceiver } from './create-receiver'
import { toNodeHandler } from './node/index'
import { bearerOwner, httpServers } from './test-kit/http-servers'
import { rejection } from './test-kit/rejection'

type Events = { 'order.paid': { id: string } }

const servers = httpServers()
const listen = servers.listen

// The receiver verifies with whatever `secrets` holds, and is "down" while `down` is true.
let secrets: string[] = [generateSecret()]
let down = false
const received: { id: string; data: { id: string } }[] = []
const receiverFor = () =>
  createReceiver<Events>({
    secrets,
    on: {
      'order.paid': (data, meta) => {
        if (down) throw new Error('down for maintenance')
        received.push({ id: meta.id, data })
      },
    },
  })
let receiver = receiverFor()

const rh = createResthooks<Events>({
  authenticate: bearerOwner,
  events: ['order.paid'],
  signing: { perSubscription: 'v1' },
  retry: { retries: 0 },
  disableAfter: 1000,
  allowPrivateTargets: true,
  onError: () => {},
})

let base = ''
let target = ''
const clientFor = (owner: string) =>
  createClient<Events>({ baseUrl: base, headers: { authorization: `Bearer ${owner}` }, retry: 0 })

beforeAll(async () => {
  base = `${await listen(serverNodeHandler(rh))}/hooks`
  // Each request goes to the receiver of the moment.
  target = `${await listen((request, response) => toNodeHandler(receiver)(request, response))}/webhooks`
})

afterAll(async () => {
  await rh.close()
  await servers.closeAll()
})

const failure = (promise: Promise<unknown>) => rejection(promise, RhClientError)

/** Notifies and waits until each of `count` deliveries has an outcome. */
async function publish(owner: string, ids: string[], count = ids.length): Promise<string[]> {
  const results = rh.results()[Symbol.asyncIterator]()
  const messageIds: string[] = []
  for (const id of ids) messageIds.push((await rh.notify(owner, 'order.paid', { id })).message_id)
  for (let seen = 0; seen < count; ) {
    const { value } = await results.next()
    if (value && messageIds.includes(value.message_id)) seen++
  }
  await results.return?.()
  return messageIds
}

/** Subscribes `owner` with a fresh secret the receiver verifies with. */
async function subscribe(owner: string) {
  const secret = generateSecret()
  secrets = [secret]
  receiver = receiverFor()
  return clientFor(owner).subscribe('order.paid', target, { secret })
}

describe('the recovery calls of createClient against a real @rh/server', () => {
  it('lists messages and their deliveries, and replays what failed', async () => {
    const client = clientFor('ana')
    const since = new Date()
    const subscription = await subscribe('ana')
    down = true
    const lost = await publish('ana', ['o1', 'o2'])
    down = false

    const page = await client.listMessages({ event: 'order.paid', since })
    expect(page.data.map((message) => message.id)).toEqual([...lost].reverse())
    expect(page.data[0]?.payload).toMatchObject({ type: 'order.paid', data: { id: 'o2' } })

    const message = await client.getMessage(lost[0] as string)
    expect(message.deliveries).toEqual([
      expect.objectContaining({ subscription_id: subscription.id, status: 'failed', attempts: 1 }),
    ])
    const dead = await client.listSubscriptionMessages(subscription.id, { status: 'failed' })
    expect(dead.data.map((each) => each.id)).toEqual([...lost].reverse())

    const results = rh.results()[Symbol.asyncIterator]()
    const { replayed } = await client.replay(subscription.id, { since, status: 'failed' })
    expect(replayed).toBe(2)
    for (let n = 0; n < 2; n++) await results.next()
    await results.return?.()
    expect(received.slice(-2)).toEqual([
      { id: lost[0], data: { id: 'o1' } },
      { id: lost[1], data: { id: 'o2' } },
    ])
    const after = await client.listSubscriptionMessages(subscription.id, { status: 'failed' })
    expect(after.data).toEqual([])
  })

  it('redelivers one message to one subscription', async () => {
    const client = clientFor('ben')
    const subscription = await subscribe('ben')
    down = true
    const [lost] = await publish('ben', ['o3'])
    down = false
    const results = rh.results()[Symbol.asyncIterator]()
    const answer = await client.redeliver(lost as string, { subscriptionId: subscription.id })
    expect(answer).toEqual({ redelivered: 1 })
    await results.next()
    await results.return?.()
    expect(received.at(-1)).toEqual({ id: lost, data: { id: 'o3' } })
    expect(await client.redeliver(lost as string)).toEqual({ redelivered: 1 })
  })

  it('refuses to replay a paused subscription with subscription_inactive', async () => {
    const client = clientFor('cleo')
    const subscription = await subscribe('cleo')
    await client.update(subscription.id, { status: 'paused' })
    const error = await failure(client.replay(subscription.id, { since: '2025-01-01T00:00:00Z' }))
    expect(error).toMatchObject({ code: 'subscription_inactive', status: 409 })
  })

  it('reports a bad range with the field, and another owner as not_found', async () => {
    const client = clientFor('dan')
    const subscription = await subscribe('dan')
    const error = await failure(
      client.replay(subscription.id, { since: new Date(2000), until: new Date(1000) }),
    )
    expect(error).toMatchObject({ code: 'invalid_request', status: 422 })
    expect(error.problem?.errors?.map((issue) => issue.path)).toEqual(['until'])
    const invalid = await failure(client.listMessages({ since: new Date(Number.NaN) }))
    expect(invalid).toMatchObject({ code: 'invalid_query', status: 400 })
    expect(
      (await failure(clientFor('eve').getMessage('msg_01JB8X9C7A1B3C5D7E9F1G3H5J'))).code,
    ).toBe('not_found')
    expect((await failure(clientFor('eve').sendTest(subscription.id))).code).toBe('not_found')
  })

  it('rotates a secret without a gap: the old secret verifies, then the new one alone', async () => {
    const client = clientFor('fay')
    const subscription = await subscribe('fay')
    const [old] = secrets
    const rotated = await client.rotateSecret(subscription.id, { graceSeconds: 600 })
    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(old)
    expect(Date.parse(rotated.previous_secret_expires_at) - Date.now()).toBeGreaterThan(590_000)

    // The server signs with both during the grace period: the receiver not yet switched...
    const [first] = await publish('fay', ['o4'])
    expect(received.at(-1)).toEqual({ id: first, data: { id: 'o4' } })
    // ...and the receiver that knows only the new secret both verify.
    secrets = [rotated.secret]
    receiver = receiverFor()
    const [second] = await publish('fay', ['o5'])
    expect(received.at(-1)).toEqual({ id: second, data: { id: 'o5' } })
  })

  it('sends a test event and answers with the attempt', async () => {
    const client = clientFor('gil')
    const subscription = await subscribe('gil')
    const attempt = await client.sendTest(subscription.id)
    expect(attempt).toMatchObject({ event: 'rh.ping', outcome: 'delivered', response_status: 204 })
    expect(attempt.message_id).toMatch(/^msg_/)
  })
})
