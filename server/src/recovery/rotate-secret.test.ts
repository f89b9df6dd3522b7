import { generateKeyPair, generateSecret } from '@rh/protocol'
import { Webhook } from 'standardwebhooks'
import { describe, expect, it } from 'vitest'
import { isoTime } from '../iso-time'
import { api } from '../testing/api'
import { startReceiver } from '../testing/receiver'
import { recoveryTestKit, verifiesWith } from './recovery-test-kit'

const kit = recoveryTestKit()
const DAY = 24 * 60 * 60 * 1000

describe('recovery.rotateSecret', () => {
  it('returns a new whsec_ secret and keeps the old one signing beside it for 24 hours', async () => {
    const { rh, clock, subscribe } = kit.server()
    const receiver = await kit.receiver()
    const old = generateSecret()
    const sub = await subscribe({ target_url: receiver.url, secret: old })

    const rotated = await rh.recovery.rotateSecret('alice', sub.id)

    expect(rotated.secret).toMatch(/^whsec_/)
    expect(rotated.secret).not.toBe(old)
    expect(rotated.previous_secret_expires_at).toBe(isoTime(clock.now() + DAY))
    const stored = await rh.store.get('alice', sub.id)
    expect(stored).toMatchObject({
      secret: rotated.secret,
      previous_secret: old,
      previous_secret_expires_at: rotated.previous_secret_expires_at,
    })

    await rh.notify('alice', 'post.created', { n: 1 })
    const hook = await receiver.request(1)
    expect(hook.headers['webhook-signature']?.split(' ')).toHaveLength(2)
    // A receiver still on the old secret and one already on the new one both accept it...
    expect(await verifiesWith(hook, [old], clock.now())).toBe(true)
    expect(await verifiesWith(hook, [rotated.secret], clock.now())).toBe(true)
    // ...and so does the independent Standard Webhooks library, with either.
    expect(() => new Webhook(old).verify(hook.body, hook.headers)).not.toThrow()
    expect(() => new Webhook(rotated.secret).verify(hook.body, hook.headers)).not.toThrow()
  })

  it('stops signing with the old secret once the grace period is over', async () => {
    const { rh, clock, subscribe } = kit.server()
    const receiver = await kit.receiver()
    const old = generateSecret()
    const sub = await subscribe({ target_url: receiver.url, secret: old })
    const { secret } = await rh.recovery.rotateSecret('alice', sub.id, { graceMs: 60_000 })

    await clock.advance(60_000)
    await rh.notify('alice', 'post.created', { n: 1 })
    const hook = await receiver.request(1)

    expect(hook.headers['webhook-signature']?.split(' ')).toHaveLength(1)
    expect(await verifiesWith(hook, [secret], clock.now())).toBe(true)
    expect(await verifiesWith(hook, [old], clock.now())).toBe(false)
  })

  it('rotates a v1a key, returning the new public key the subscriber verifies with', async () => {
    const { rh, clock, subscribe } = kit.server({ signing: { perSubscription: 'v1a' } })
    const receiver = await kit.receiver()
    const old = await generateKeyPair()
    const sub = await subscribe({ target_url: receiver.url, secret: old.secretKey })

    const rotated = await rh.recovery.rotateSecret('alice', sub.id)

    expect(rotated.secret).toMatch(/^whpk_/)
    expect((await rh.store.get('alice', sub.id))?.secret).toMatch(/^whsk_/)
    await rh.notify('alice', 'post.created', { n: 1 })
    const hook = await receiver.request(1)
    expect(hook.headers['webhook-signature']).toMatch(/^v1a,\S+ v1a,\S+$/)
    expect(await verifiesWith(hook, [old.publicKey], clock.now())).toBe(true)
    expect(await verifiesWith(hook, [rotated.secret], clock.now())).toBe(true)
  })

  it('rotates a subscriber-chosen secret on a server that signs with its own key', async () => {
    const { rh, subscribe } = kit.server({ signing: { secret: generateSecret() } })
    const sub = await subscribe({ secret: generateSecret() })

    await expect(rh.recovery.rotateSecret('alice', sub.id)).resolves.toMatchObject({
      secret: expect.stringMatching(/^whsec_/),
    })
  })

  it('answers no_subscription_secret (409) when the server signs with its own key', async () => {
    const { rh, subscribe } = kit.server({ signing: { secret: generateSecret() } })
    const sub = await subscribe({ secret: null })

    await expect(rh.recovery.rotateSecret('alice', sub.id)).rejects.toMatchObject({
      code: 'no_subscription_secret',
      status: 409,
    })
  })

  it("answers not_found for another owner's subscription, and changes nothing", async () => {
    const { rh, subscribe } = kit.server()
    const old = generateSecret()
    const sub = await subscribe({ owner: 'bob', secret: old })

    await expect(rh.recovery.rotateSecret('alice', sub.id)).rejects.toMatchObject({
      code: 'not_found',
    })
    expect((await rh.store.get('bob', sub.id))?.secret).toBe(old)
  })

  it('refuses a negative or fractional grace period', async () => {
    const { rh, subscribe } = kit.server()
    const sub = await subscribe({ secret: generateSecret() })

    for (const graceMs of [-1, 1.5, Number.NaN]) {
      await expect(rh.recovery.rotateSecret('alice', sub.id, { graceMs })).rejects.toMatchObject({
        code: 'invalid_request',
      })
    }
  })

  it('runs two rotations at once one after the other, losing no secret', async () => {
    const { rh, subscribe } = kit.server()
    const sub = await subscribe({ secret: generateSecret() })

    const [first, second] = await Promise.all([
      rh.recovery.rotateSecret('alice', sub.id),
      rh.recovery.rotateSecret('alice', sub.id),
    ])

    expect(await rh.store.get('alice', sub.id)).toMatchObject({
      secret: second.secret,
      previous_secret: first.secret,
    })
  })

  it('signs the handshake of a changed target with both secrets during the grace period', async () => {
    const { rh, clock, subscribe } = kit.server({ authenticate: () => 'alice' })
    const old = generateSecret()
    // A new endpoint whose receiver still only knows the old secret.
    const target = await startReceiver(async (_, response, received) => {
      if (!(await verifiesWith(received, [old], clock.now()))) {
        response.writeHead(401).end()
        return
      }
      const { data } = JSON.parse(received.body) as { data: { challenge: string } }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ challenge: data.challenge }))
    })
    try {
      const sub = await subscribe({ target_url: 'http://127.0.0.1:9/old', secret: old })
      await rh.recovery.rotateSecret('alice', sub.id)

      const patched = await api(rh, 'PATCH', `/subscriptions/${sub.id}`, {
        owner: 'alice',
        body: { target_url: `${target.url}/new` },
      })

      expect(patched.status).toBe(200)
      expect(target.requests).toHaveLength(1)
    } finally {
      await target.close()
    }
  })
})
