import { Webhook as StandardWebhook } from 'standardwebhooks'
import { Webhook as SvixWebhook } from 'svix'
import { describe, expect, it } from 'vitest'
import { generateSecret } from './generate-secret'
import { sign } from './sign'
import { verify } from './verify'

// Both libraries check the timestamp against the real clock, so these messages are fresh.
const fresh = () => Math.floor(Date.now() / 1000)
const body = JSON.stringify({
  type: 'invoice.paid',
  timestamp: '2024-05-01T12:00:00.000Z',
  data: { id: 'inv_1', amount: 4200, note: 'Zoë 🚀 "quoted" \\ backslash' },
})

const libraries = [
  { name: 'standardwebhooks', Webhook: StandardWebhook },
  { name: 'svix', Webhook: SvixWebhook },
] as const

describe.each(libraries)('interoperability with $name', ({ Webhook }) => {
  it('verifies the published vector the same way', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    const msg = {
      id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      timestamp: 1614265330,
      body: '{"test": 2432232314}',
    }
    const theirs = new Webhook(secret).sign(msg.id, new Date(msg.timestamp * 1000), msg.body)
    expect(await sign(secret, msg)).toBe(theirs)
    expect(theirs).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=')
  })

  it.each([24, 32, 64])('accepts what rh signs with a %i-byte secret', async (bytes) => {
    const secret = generateSecret(bytes)
    const id = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
    const timestamp = fresh()
    for (const fastPath of [true, false]) {
      const signature = await sign(secret, { id, timestamp, body }, { fastPath })
      const headers = {
        'webhook-id': id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      }
      expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
    }
  })

  it('accepts an rh rotation header that holds its key among others', async () => {
    const secret = generateSecret()
    const id = 'msg_rotation'
    const timestamp = fresh()
    const signature = await sign([generateSecret(), secret], { id, timestamp, body })
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    }
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  })

  it('produces signatures rh verifies, from a string and from bytes', async () => {
    const secret = generateSecret()
    const id = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W'
    const timestamp = fresh()
    const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body)
    const headers = {
      'Webhook-Id': id,
      'Webhook-Timestamp': String(timestamp),
      'Webhook-Signature': signature,
    }
    for (const fastPath of [true, false]) {
      await expect(verify(secret, body, headers, { fastPath })).resolves.toEqual({ id, timestamp })
      const bytes = new TextEncoder().encode(body)
      await expect(verify(secret, bytes, headers, { fastPath })).resolves.toEqual({ id, timestamp })
    }
  })

  it('agrees that a tampered body fails', async () => {
    const secret = generateSecret()
    const id = 'msg_tampered'
    const timestamp = fresh()
    const signature = new Webhook(secret).sign(id, new Date(timestamp * 1000), body)
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
    }
    const tampered = body.replace('4200', '4201')
    await expect(verify(secret, tampered, headers)).rejects.toMatchObject({
      code: 'signature_mismatch',
    })
    expect(() => new Webhook(secret).verify(tampered, headers)).toThrow()
  })
})

describe('interoperability with svix-branded headers', () => {
  it('signs the same content svix verifies under svix-* header names', async () => {
    const secret = generateSecret()
    const id = 'msg_svix'
    const timestamp = fresh()
    const signature = await sign(secret, { id, timestamp, body })
    const headers = {
      'svix-id': id,
      'svix-timestamp': String(timestamp),
      'svix-signature': signature,
    }
    expect(new SvixWebhook(secret).verify(body, headers)).toEqual(JSON.parse(body))
  })
})
