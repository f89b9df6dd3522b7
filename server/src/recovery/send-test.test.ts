import { generateSecret } from '@rh/protocol'
import { describe, expect, it } from 'vitest'
import { isoTime } from '../iso-time'
import { startReceiver } from '../testing/receiver'
import { recoveryTestKit, verifiesWith } from './recovery-test-kit'

const kit = recoveryTestKit()

describe('recovery.sendTest', () => {
  it('sends a signed rh.ping now and answers with the attempt', async () => {
    const { rh, clock, subscribe } = kit.server()
    const receiver = await kit.receiver(() => 204)
    const secret = generateSecret()
    const sub = await subscribe({ target_url: `${receiver.url}/hooks`, secret })

    const attempt = await rh.recovery.sendTest('alice', sub.id)

    expect(attempt).toEqual({
      id: expect.stringMatching(/^atm_[0-9A-Z]{26}$/),
      message_id: expect.stringMatching(/^msg_[0-9A-Z]{26}$/),
      event: 'rh.ping',
      attempt: 1,
      outcome: 'delivered',
      response_status: 204,
      error: null,
      response_excerpt: null,
      duration_ms: 0,
      started_at: isoTime(clock.now()),
    })
    const ping = await receiver.request(1)
    expect(ping.path).toBe('/hooks')
    expect(ping.headers['webhook-id']).toBe(attempt.message_id)
    expect(JSON.parse(ping.body)).toEqual({
      type: 'rh.ping',
      timestamp: isoTime(clock.now()),
      data: {},
    })
    expect(await verifiesWith(ping, [secret], clock.now())).toBe(true)
  })

  it('queues, retries and logs nothing', async () => {
    const { rh, subscribe } = kit.server()
    const receiver = await kit.receiver(() => 500)
    const sub = await subscribe({ target_url: receiver.url, secret: generateSecret() })

    const attempt = await rh.recovery.sendTest('alice', sub.id)

    expect(attempt).toMatchObject({ outcome: 'failed', response_status: 500, error: null })
    expect(await rh.queue.size()).toBe(0)
    expect((await rh.queue.listAttempts('alice', sub.id, { limit: 10 })).items).toEqual([])
    expect(await rh.store.get('alice', sub.id)).toMatchObject({ consecutive_failures: 0 })
  })

  it("answers with the start of the receiver's response body", async () => {
    const { rh, subscribe } = kit.server()
    const receiver = await startReceiver((_, response) => {
      response.writeHead(500).end(' {"error":"db down"} ')
    })
    const sub = await subscribe({ target_url: receiver.url, secret: generateSecret() })

    const attempt = await rh.recovery.sendTest('alice', sub.id)

    await receiver.close()
    expect(attempt).toMatchObject({ response_status: 500, response_excerpt: '{"error":"db down"}' })
  })

  it('says why when the target cannot be reached', async () => {
    const { rh, subscribe } = kit.server()
    const closed = await startReceiver()
    await closed.close()
    const sub = await subscribe({ target_url: closed.url, secret: generateSecret() })

    const attempt = await rh.recovery.sendTest('alice', sub.id)

    expect(attempt.outcome).toBe('failed')
    expect(attempt.response_status).toBeNull()
    expect(attempt.response_excerpt).toBeNull()
    expect(attempt.error).toMatch(/refused/i)
  })

  it('refuses a private target as deliveries do', async () => {
    const { rh, subscribe } = kit.server({ allowPrivateTargets: false })
    const receiver = await kit.receiver()
    const sub = await subscribe({ target_url: receiver.url, secret: generateSecret() })

    const attempt = await rh.recovery.sendTest('alice', sub.id)

    expect(attempt.outcome).toBe('failed')
    expect(attempt.error).toMatch(/private|loopback|refused/i)
    expect(receiver.requests).toHaveLength(0)
  })

  it('tests a disabled subscription, so its endpoint can be checked before re-enabling', async () => {
    const { rh, subscribe } = kit.server()
    const receiver = await kit.receiver()
    const sub = await subscribe({
      target_url: receiver.url,
      secret: generateSecret(),
      status: 'disabled',
    })

    await expect(rh.recovery.sendTest('alice', sub.id)).resolves.toMatchObject({
      outcome: 'delivered',
    })
  })

  it("answers not_found for another owner's subscription, sending nothing", async () => {
    const { rh, subscribe } = kit.server()
    const receiver = await kit.receiver()
    const sub = await subscribe({ owner: 'bob', target_url: receiver.url })

    await expect(rh.recovery.sendTest('alice', sub.id)).rejects.toMatchObject({
      code: 'not_found',
      status: 404,
    })
    expect(receiver.requests).toHaveLength(0)
  })
})
