import { describe, expect, it } from 'vitest'
import { createResthooks } from '../create-resthooks'
import { recoveryTestKit } from './recovery-test-kit'

const kit = recoveryTestKit()

describe('notify and the message log', () => {
  it('logs every message with its exact bytes, also when nobody is subscribed', async () => {
    const { rh, clock } = kit.server()

    const receipt = await rh.notify('alice', 'post.created', { n: 1 })

    expect(receipt).toEqual({ message_id: expect.stringMatching(/^msg_/), deliveries: 0 })
    expect(await rh.queue.getMessage('alice', receipt.message_id)).toMatchObject({
      id: receipt.message_id,
      owner: 'alice',
      event: 'post.created',
      body: JSON.stringify({
        type: 'post.created',
        timestamp: new Date(clock.now()).toISOString(),
        data: { n: 1 },
      }),
      created_at: clock.now(),
      idempotency_key: null,
      deliveries: [],
    })
  })

  it('logs the deliveries of a message with their statuses', async () => {
    const { rh, subscribe, nextResult } = kit.server()
    const receiver = await kit.receiver()
    const sub = await subscribe({ target_url: receiver.url })

    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()

    const message = await rh.queue.getMessage('alice', message_id)
    expect(message?.deliveries).toEqual([
      expect.objectContaining({ subscription_id: sub.id, status: 'delivered', attempts: 1 }),
    ])
    expect((await receiver.request(1)).body).toBe(message?.body)
  })

  it('answers a reused idempotency key with the first message and delivers nothing new', async () => {
    const { rh, subscribe, nextResult } = kit.server()
    const receiver = await kit.receiver()
    await subscribe({ target_url: receiver.url })

    const first = await rh.notify('alice', 'post.created', { n: 1 }, { idempotencyKey: 'k-1' })
    await nextResult()
    const again = await rh.notify('alice', 'post.created', { n: 2 }, { idempotencyKey: 'k-1' })

    expect(first).toEqual({ message_id: expect.stringMatching(/^msg_/), deliveries: 1 })
    expect(again).toEqual({ message_id: first.message_id, deliveries: 0, duplicate: true })
    const other = await rh.notify('alice', 'post.created', { n: 3 }, { idempotencyKey: 'k-2' })
    await nextResult()
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([
      first.message_id,
      other.message_id,
    ])
  })

  it("keeps owners' idempotency keys apart", async () => {
    const { rh } = kit.server()

    const alice = await rh.notify('alice', 'post.created', {}, { idempotencyKey: 'same' })
    const bob = await rh.notify('bob', 'post.created', {}, { idempotencyKey: 'same' })

    expect(bob.message_id).not.toBe(alice.message_id)
    expect(bob.duplicate).toBeUndefined()
  })

  it.each([
    ['empty', ''],
    ['too long', 'k'.repeat(256)],
    ['with a newline', 'a\nb'],
    ['not ASCII', 'clé'],
  ])('refuses an idempotency key that is %s (invalid_request)', async (_, key) => {
    const { rh } = kit.server()

    await expect(
      rh.notify('alice', 'post.created', {}, { idempotencyKey: key }),
    ).rejects.toMatchObject({ code: 'invalid_request', status: 422 })
    expect((await rh.queue.listMessages('alice', { limit: 10 })).items).toEqual([])
  })

  it('accepts a 255-character key', async () => {
    const { rh } = kit.server()

    await expect(
      rh.notify('alice', 'post.created', {}, { idempotencyKey: 'k'.repeat(255) }),
    ).resolves.toMatchObject({ deliveries: 0 })
  })
})

describe('retention', () => {
  it('refuses a retention that is not a whole number of ms >= 1', () => {
    for (const messages of [0, 1.5, -1]) {
      expect(() =>
        createResthooks({ authenticate: () => 'alice', retention: { messages } }),
      ).toThrow(/options\.retention\.messages must be an integer >= 1/)
    }
  })

  it('prunes finished messages older than `retention.messages`, every minute', async () => {
    const { rh, clock, subscribe, nextResult } = kit.server({ retention: { messages: 120_000 } })
    const receiver = await kit.receiver()
    await subscribe({ target_url: receiver.url })
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()

    await clock.advance(120_000)
    expect(await rh.queue.getMessage('alice', message_id)).not.toBeNull()
    await clock.advance(60_000)
    expect(await rh.queue.getMessage('alice', message_id)).toBeNull()
  })

  it('keeps a message whose delivery is still pending', async () => {
    const { rh, clock, subscribe, nextResult } = kit.server({
      retention: { messages: 60_000 },
      retry: { retries: 1, initialDelay: 3_600_000 },
    })
    const receiver = await kit.receiver(() => 500)
    await subscribe({ target_url: receiver.url })
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()

    await clock.advance(10 * 60_000)
    expect(await rh.queue.getMessage('alice', message_id)).toMatchObject({
      deliveries: [expect.objectContaining({ status: 'pending' })],
    })
  })
})
