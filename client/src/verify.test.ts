import { generateKeyPair, generateSecret, ProtocolError, sign } from '@rh/protocol'
import { describe, expect, it } from 'vitest'
import { rejection as rejectionOf } from './test-kit/rejection'
import { safeVerify, verify } from './verify'

type Events = { 'post.created': { id: string } }

const secret = generateSecret()
const now = () => 1_700_000_000_000
const seconds = 1_700_000_000
const id = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
const envelope = {
  type: 'post.created',
  timestamp: '2023-11-14T22:13:20.000Z',
  data: { id: 'p1' },
}
const body = JSON.stringify(envelope)

async function headers(
  bytes: string | Uint8Array,
  { keys = secret as string | string[], timestamp = seconds, messageId = id } = {},
): Promise<Record<string, string>> {
  return {
    'content-type': 'application/json',
    'webhook-id': messageId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': await sign(keys, { id: messageId, timestamp, body: bytes }),
  }
}

const request = async (bytes: string | Uint8Array, signed?: Record<string, string>) =>
  new Request('http://127.0.0.1/hooks', {
    method: 'POST',
    body: bytes as BodyInit,
    headers: signed ?? (await headers(bytes)),
  })

const rejection = (promise: Promise<unknown>) => rejectionOf(promise, ProtocolError)

describe('verify', () => {
  it('returns the typed notification of a signed request', async () => {
    const webhook = await verify<Events>(secret, await request(body), { now })
    expect(webhook).toEqual({ ...envelope, id, webhook_timestamp: seconds })
    if (webhook.type === 'post.created') expect(webhook.data.id).toBe('p1')
  })

  it('accepts the raw body as a string, bytes or an ArrayBuffer with a header record', async () => {
    const bytes = new TextEncoder().encode(body)
    const signed = await headers(body)
    for (const raw of [body, bytes, bytes.buffer]) {
      await expect(verify(secret, { body: raw, headers: signed }, { now })).resolves.toMatchObject({
        id,
        type: 'post.created',
      })
    }
  })

  it('rejects a tampered body', async () => {
    const signed = await headers(body)
    const tampered = body.replace('p1', 'p2')
    const error = await rejection(verify(secret, { body: tampered, headers: signed }, { now }))
    expect(error.code).toBe('signature_mismatch')
  })

  it('rejects a body signed with another secret', async () => {
    const signed = await headers(body, { keys: generateSecret() })
    const error = await rejection(verify(secret, { body, headers: signed }, { now }))
    expect(error.code).toBe('signature_mismatch')
  })

  it('rejects a timestamp older than the tolerance', async () => {
    const signed = await headers(body, { timestamp: seconds - 301 })
    const error = await rejection(verify(secret, { body, headers: signed }, { now }))
    expect(error.code).toBe('timestamp_too_old')
    await expect(
      verify(secret, { body, headers: signed }, { now, tolerance: 400 }),
    ).resolves.toMatchObject({ id })
  })

  it('rejects a timestamp further in the future than the tolerance', async () => {
    const signed = await headers(body, { timestamp: seconds + 301 })
    const error = await rejection(verify(secret, { body, headers: signed }, { now }))
    expect(error.code).toBe('timestamp_too_new')
  })

  it('rejects malformed and missing headers', async () => {
    const signed = await headers(body)
    const cases: [Record<string, string>, string][] = [
      [{ ...signed, 'webhook-timestamp': 'yesterday' }, 'invalid_timestamp'],
      [{ ...signed, 'webhook-signature': 'v1,not-base64' }, 'invalid_signature_format'],
      [{ ...signed, 'webhook-signature': 'garbage' }, 'invalid_signature_format'],
      [{ ...signed, 'webhook-id': 'msg.with.dots' }, 'invalid_header'],
      [{ 'webhook-id': id, 'webhook-timestamp': String(seconds) }, 'missing_header'],
    ]
    for (const [bad, code] of cases) {
      const error = await rejection(verify(secret, { body, headers: bad }, { now }))
      expect(error.code).toBe(code)
    }
  })

  it('accepts any of several signatures during a rotation', async () => {
    const next = generateSecret()
    const signed = await headers(body, { keys: [secret, next] })
    expect(signed['webhook-signature']?.split(' ')).toHaveLength(2)
    await expect(verify(next, { body, headers: signed }, { now })).resolves.toMatchObject({ id })
    await expect(
      verify([generateSecret(), secret], { body, headers: signed }, { now }),
    ).resolves.toMatchObject({ id })
    const error = await rejection(verify(generateSecret(), { body, headers: signed }, { now }))
    expect(error.code).toBe('signature_mismatch')
  })

  it('verifies Ed25519 (v1a) signatures with the public key', async () => {
    const { secretKey, publicKey } = await generateKeyPair()
    const signed = await headers(body, { keys: secretKey })
    await expect(verify(publicKey, { body, headers: signed }, { now })).resolves.toMatchObject({
      id,
    })
  })

  it('reads header names in any case', async () => {
    const signed = await headers(body)
    const mixed = {
      'Webhook-Id': signed['webhook-id'],
      'WEBHOOK-TIMESTAMP': signed['webhook-timestamp'],
      'webhook-Signature': signed['webhook-signature'],
    }
    await expect(verify(secret, { body, headers: mixed }, { now })).resolves.toMatchObject({ id })
  })

  it('verifies the bytes, then rejects a body that is not valid UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]) // {"\xff\xfe"}
    const error = await rejection(verify(secret, await request(bytes), { now }))
    expect(error.code).toBe('invalid_payload')
    expect(error.message).toContain('UTF-8')
    // The bytes were verified first: with a wrong secret, the signature fails instead.
    const unsigned = await request(bytes, await headers(bytes, { keys: generateSecret() }))
    expect((await rejection(verify(secret, unsigned, { now }))).code).toBe('signature_mismatch')
  })

  it('rejects a signed body that is not JSON, or not an envelope', async () => {
    for (const [bad, message] of [
      ['{"type":"post.created",', 'not JSON'],
      ['{"type":"post.created","data":{}}', 'timestamp'],
      ['[]', 'envelope'],
    ] as const) {
      const error = await rejection(verify(secret, await request(bad), { now }))
      expect(error.code).toBe('invalid_payload')
      expect(error.message).toContain(message)
    }
  })

  it('parses the handshake', async () => {
    const handshake = JSON.stringify({
      type: 'rh.handshake',
      timestamp: envelope.timestamp,
      data: { challenge: 'q3Jx9v0cX2m8Hk4bTzR1yA', events: ['post.created'] },
    })
    const webhook = await verify<Events>(secret, await request(handshake), { now })
    expect(webhook.type).toBe('rh.handshake')
    if (webhook.type === 'rh.handshake')
      expect(webhook.data.challenge).toBe('q3Jx9v0cX2m8Hk4bTzR1yA')
  })

  it('throws a TypeError naming express.raw() for a parsed body', async () => {
    const signed = await headers(body)
    const parsed = { body: envelope, headers: signed } as unknown as {
      body: string
      headers: Record<string, string>
    }
    await expect(verify(secret, parsed, { now })).rejects.toThrow(TypeError)
    await expect(verify(secret, parsed, { now })).rejects.toThrow(/express\.raw/)
  })

  it('throws a TypeError for a request whose body was already read', async () => {
    const used = await request(body)
    await used.text()
    await expect(verify(secret, used, { now })).rejects.toThrow(/already read/)
  })

  it('throws a TypeError naming the order when called the old way, request first', async () => {
    const oldOrder = verify as unknown as (input: Request, key: string) => Promise<unknown>
    await expect(oldOrder(await request(body), secret)).rejects.toThrow(/secret first/)
  })
})

describe('safeVerify', () => {
  it('returns the notification on success', async () => {
    const result = await safeVerify<Events>(secret, await request(body), { now })
    expect(result).toEqual({
      success: true,
      output: { ...envelope, id, webhook_timestamp: seconds },
    })
  })

  it('returns the ProtocolError of a bad webhook instead of throwing', async () => {
    const result = await safeVerify(generateSecret(), await request(body), { now })
    expect(result.success).toBe(false)
    if (!result.success) expect(result.error.code).toBe('signature_mismatch')
  })

  it('still throws for a programming error: a bad key', async () => {
    await expect(safeVerify('not-a-key', await request(body), { now })).rejects.toThrow(
      ProtocolError,
    )
  })
})
