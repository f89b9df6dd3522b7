import { describe, expect, it } from 'vitest'
import { recoveryTestKit } from './recovery-test-kit'

const kit = recoveryTestKit()

/** A receiver that is down (503) until `up()`. */
async function flakyReceiver() {
  let down = true
  const receiver = await kit.receiver(() => (down ? 503 : 204))
  return Object.assign(receiver, {
    up() {
      down = false
    },
  })
}

describe('recovery.redeliver', () => {
  it('sends a failed message again, with the same id and bytes, at once', async () => {
    const { rh, subscribe, nextResult } = kit.server({ retry: { retries: 0 } })
    const receiver = await flakyReceiver()
    const sub = await subscribe({ target_url: receiver.url })
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    expect(await nextResult()).toMatchObject({ outcome: 'failed' })

    receiver.up()
    const answer = await rh.recovery.redeliver('alice', message_id)

    expect(answer).toEqual({ redelivered: 1 })
    expect(await nextResult()).toMatchObject({ outcome: 'delivered', subscription_id: sub.id })
    const [first, second] = receiver.requests
    expect(second?.headers['webhook-id']).toBe(message_id)
    expect(second?.body).toBe(first?.body)
    const message = await rh.queue.getMessage('alice', message_id)
    expect(message?.deliveries).toEqual([
      expect.objectContaining({ subscription_id: sub.id, status: 'delivered' }),
    ])
  })

  it('sends to the named subscription only', async () => {
    const { rh, subscribe, nextResult } = kit.server()
    const one = await kit.receiver()
    const two = await kit.receiver()
    await subscribe({ target_url: one.url })
    const sub2 = await subscribe({ target_url: two.url })
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()
    await nextResult()

    expect(await rh.recovery.redeliver('alice', message_id, sub2.id)).toEqual({ redelivered: 1 })
    await nextResult()

    expect(one.requests).toHaveLength(1)
    expect(two.requests).toHaveLength(2)
  })

  it('leaves out subscriptions paused or deleted since', async () => {
    const { rh, subscribe, nextResult } = kit.server()
    const receiver = await kit.receiver()
    const paused = await subscribe({ target_url: receiver.url })
    const deleted = await subscribe({ target_url: receiver.url })
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()
    await nextResult()
    await rh.store.update('alice', paused.id, { status: 'paused', updated_at: '' })
    await rh.store.delete('alice', deleted.id)

    expect(await rh.recovery.redeliver('alice', message_id)).toEqual({ redelivered: 0 })
    await expect(rh.recovery.redeliver('alice', message_id, paused.id)).rejects.toMatchObject({
      code: 'subscription_inactive',
      status: 409,
    })
  })

  it('answers not_found for an unknown message, or one of another owner', async () => {
    const { rh } = kit.server()
    const { message_id } = await rh.notify('bob', 'post.created', { n: 1 })

    await expect(rh.recovery.redeliver('alice', message_id)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    })
    await expect(rh.recovery.redeliver('alice', 'msg_nope')).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('answers not_found for a subscription the message was not sent to', async () => {
    const { rh, subscribe } = kit.server()
    const { message_id } = await rh.notify('alice', 'post.created', { n: 1 })
    const later = await subscribe({ target_url: 'http://127.0.0.1:9/' })

    await expect(rh.recovery.redeliver('alice', message_id, later.id)).rejects.toMatchObject({
      code: 'not_found',
    })
  })
})

describe('recovery.replay', () => {
  it('sends what failed during an outage again, in message order, once the receiver is back', async () => {
    // One attempt in flight at a time: the order of arrival is the order of the claims.
    const { rh, clock, subscribe, nextResult } = kit.server({
      retry: { retries: 0 },
      concurrency: { global: 1, perHost: 1 },
    })
    const receiver = await flakyReceiver()
    const sub = await subscribe({ target_url: receiver.url })
    const since = clock.now()
    const ids: string[] = []
    for (let n = 1; n <= 3; n++) {
      ids.push((await rh.notify('alice', 'post.created', { n })).message_id)
      expect(await nextResult()).toMatchObject({ outcome: 'failed' })
      await clock.advance(1000)
    }

    receiver.up()
    const answer = await rh.recovery.replay('alice', sub.id, { since })

    expect(answer).toEqual({ replayed: 3 })
    for (let n = 0; n < 3; n++) await nextResult()
    const replayed = receiver.requests.slice(3)
    expect(replayed.map((r) => r.headers['webhook-id'])).toEqual(ids)
    expect(replayed.map((r) => r.body)).toEqual(receiver.requests.slice(0, 3).map((r) => r.body))
    // Done: a second replay finds nothing failed.
    expect(await rh.recovery.replay('alice', sub.id, { since })).toEqual({ replayed: 0 })
  })

  it('re-enables a disabled subscription, then replays what it missed since it broke', async () => {
    const { rh, clock, subscribe, nextResult } = kit.server({
      retry: { retries: 0 },
      disableAfter: 2,
      concurrency: { global: 1, perHost: 1 },
    })
    const receiver = await flakyReceiver()
    const sub = await subscribe({ target_url: receiver.url })
    const brokeAt = clock.now()
    await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()
    await rh.notify('alice', 'post.created', { n: 2 })
    expect(await nextResult()).toMatchObject({ outcome: 'disabled' })
    // Sent while disabled: it matched no subscription, so the subscription never got it.
    await rh.notify('alice', 'post.created', { n: 3 })
    await clock.advance(1000)

    receiver.up()
    await rh.store.update('alice', sub.id, { status: 'active', updated_at: '' })
    expect(await rh.recovery.replay('alice', sub.id, { since: brokeAt })).toEqual({ replayed: 2 })
    await nextResult()
    await nextResult()
    expect(await rh.recovery.replay('alice', sub.id, { since: brokeAt, status: 'all' })).toEqual({
      replayed: 3,
    })
    for (let n = 0; n < 3; n++) await nextResult()

    const data = receiver.requests.slice(2).map((r) => JSON.parse(r.body).data.n)
    expect(data).toEqual([1, 2, 1, 2, 3])
  })

  it('takes only messages of [since, until)', async () => {
    const { rh, clock, subscribe, nextResult } = kit.server({ retry: { retries: 0 } })
    const receiver = await flakyReceiver()
    const sub = await subscribe({ target_url: receiver.url })
    const times: number[] = []
    for (let n = 1; n <= 3; n++) {
      times.push(clock.now())
      await rh.notify('alice', 'post.created', { n })
      await nextResult()
      await clock.advance(1000)
    }

    receiver.up()
    const answer = await rh.recovery.replay('alice', sub.id, {
      since: times[1] as number,
      until: times[2] as number,
    })

    expect(answer).toEqual({ replayed: 1 })
    await nextResult()
    expect(JSON.parse(receiver.requests[3]?.body ?? '')).toMatchObject({ data: { n: 2 } })
  })

  it("with status 'all', sends delivered messages again too", async () => {
    const { rh, clock, subscribe, nextResult } = kit.server()
    const receiver = await kit.receiver()
    const sub = await subscribe({ target_url: receiver.url })
    const since = clock.now()
    await rh.notify('alice', 'post.created', { n: 1 })
    await nextResult()
    await clock.advance(1000)

    expect(await rh.recovery.replay('alice', sub.id, { since })).toEqual({ replayed: 0 })
    expect(await rh.recovery.replay('alice', sub.id, { since, status: 'all' })).toEqual({
      replayed: 1,
    })
    await nextResult()
    expect(receiver.requests).toHaveLength(2)
  })

  it('answers subscription_inactive (409) for a paused or disabled subscription', async () => {
    const { rh, clock, subscribe } = kit.server()
    const paused = await subscribe({ status: 'paused' })
    const disabled = await subscribe({ status: 'disabled' })

    for (const sub of [paused, disabled]) {
      await expect(
        rh.recovery.replay('alice', sub.id, { since: clock.now() - 1000 }),
      ).rejects.toMatchObject({ code: 'subscription_inactive', status: 409 })
    }
  })

  it("answers not_found for another owner's subscription", async () => {
    const { rh, subscribe } = kit.server()
    const sub = await subscribe({ owner: 'bob' })

    await expect(rh.recovery.replay('alice', sub.id, { since: 0 })).rejects.toMatchObject({
      code: 'not_found',
    })
  })

  it('refuses a range that ends before it starts', async () => {
    const { rh, subscribe } = kit.server()
    const sub = await subscribe()

    await expect(
      rh.recovery.replay('alice', sub.id, { since: 2000, until: 1000 }),
    ).rejects.toMatchObject({ code: 'invalid_request' })
    await expect(rh.recovery.replay('alice', sub.id, { since: Number.NaN })).rejects.toMatchObject({
      code: 'invalid_request',
    })
  })
})
