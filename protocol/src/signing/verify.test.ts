import { describe, expect, it } from 'vitest'
import { generateKeyPair } from './generate-key-pair'
import { generateSecret } from './generate-secret'
import { ProtocolError, type ProtocolErrorCode } from './protocol-error'
import { sign } from './sign'
import { createVerifier, safeVerify, verify } from './verify'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek'
const timestamp = 1614265330
const body = '{"test": 2432232314}'
const signature = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const at = (seconds: number) => () => seconds * 1000
const now = at(timestamp)

const headers = (overrides: Record<string, string | string[] | undefined> = {}) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
  ...overrides,
})

const codeOf = async (promise: Promise<unknown>): Promise<ProtocolErrorCode | 'resolved'> => {
  try {
    await promise
    return 'resolved'
  } catch (error) {
    if (error instanceof ProtocolError) return error.code
    throw error
  }
}

describe.each([
  { path: 'node:crypto fast path', fastPath: true },
  { path: 'WebCrypto', fastPath: false },
])('verify ($path)', ({ fastPath }) => {
  const options = { now, fastPath }
  const check = (
    overrides: Parameters<typeof headers>[0],
    payload: string | Uint8Array = body,
    key: string | string[] = secret,
  ) => codeOf(verify(key, payload, headers(overrides), options))

  it('accepts the published Standard Webhooks vector', async () => {
    await expect(verify(secret, body, headers(), options)).resolves.toEqual({ id, timestamp })
  })

  it('accepts the body as bytes', async () => {
    const bytes = new TextEncoder().encode(body)
    await expect(verify(secret, bytes, headers(), options)).resolves.toEqual({ id, timestamp })
  })

  it('rejects a tampered body', async () => {
    expect(await check({}, '{"test": 2432232315}')).toBe('signature_mismatch')
  })

  it('rejects a body that differs only in whitespace (it does not re-serialise JSON)', async () => {
    expect(await check({}, '{"test":2432232314}')).toBe('signature_mismatch')
  })

  it('rejects a signature made with another secret', async () => {
    expect(await check({}, body, generateSecret())).toBe('signature_mismatch')
  })

  it('rejects a tampered id or timestamp, since both are signed', async () => {
    expect(await check({ 'webhook-id': 'msg_other' })).toBe('signature_mismatch')
    expect(await check({ 'webhook-timestamp': String(timestamp - 1) })).toBe('signature_mismatch')
  })

  it('checks signatures over raw bytes, even bytes that are not UTF-8', async () => {
    const bytes = new Uint8Array([0x7b, 0xff, 0xfe, 0xc3, 0x28, 0x7d])
    const header = await sign(secret, { id, timestamp, body: bytes }, { fastPath })
    const ok = verify(secret, bytes, headers({ 'webhook-signature': header }), options)
    await expect(ok).resolves.toEqual({ id, timestamp })
    // Decoding the bytes replaces them with U+FFFD: the signature no longer matches.
    const decoded = new TextDecoder().decode(bytes)
    expect(await check({ 'webhook-signature': header }, decoded)).toBe('signature_mismatch')
  })

  describe('headers', () => {
    it('reads header names in any case from a plain record', async () => {
      const mixed = {
        'Webhook-Id': id,
        'WEBHOOK-TIMESTAMP': String(timestamp),
        'webhook-Signature': signature,
      }
      await expect(verify(secret, body, mixed, options)).resolves.toEqual({ id, timestamp })
    })

    it('reads a Fetch Headers object', async () => {
      await expect(verify(secret, body, new Headers(headers()), options)).resolves.toEqual({
        id,
        timestamp,
      })
    })

    it('reads array values, joining repeated signature lines into one list', async () => {
      const other = await sign(generateSecret(), { id, timestamp, body })
      const arrays = headers({
        'webhook-id': [id],
        'webhook-signature': [other, signature],
      })
      await expect(verify(secret, body, arrays, options)).resolves.toEqual({ id, timestamp })
    })

    it('reads signature lines that Fetch combined with ", "', async () => {
      const other = await sign(generateSecret(), { id, timestamp, body })
      const combined = new Headers(headers())
      combined.set('webhook-signature', other)
      combined.append('webhook-signature', signature)
      expect(combined.get('webhook-signature')).toContain(', ')
      await expect(verify(secret, body, combined, options)).resolves.toEqual({ id, timestamp })
    })

    it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])(
      'rejects a request without %s',
      async (name) => {
        expect(await check({ [name]: undefined })).toBe('missing_header')
        expect(await check({ [name]: '' })).toBe('missing_header')
        expect(await check({ [name]: [] })).toBe('missing_header')
      },
    )

    it('rejects several different ids or timestamps as ambiguous', async () => {
      expect(await check({ 'webhook-id': [id, 'msg_2'] })).toBe('invalid_header')
      expect(await check({ 'webhook-timestamp': ['1614265330', '1614265331'] })).toBe(
        'invalid_header',
      )
    })

    it.each([
      ['contains "."', 'msg.1'],
      ['contains a space', 'msg 1'],
      ['is longer than 256 characters', 'm'.repeat(257)],
    ])('rejects an id that %s', async (_, value) => {
      expect(await check({ 'webhook-id': value })).toBe('invalid_header')
    })

    it('rejects a header value that is not a string', async () => {
      const bad = { ...headers(), 'webhook-id': 42 as unknown as string }
      expect(await codeOf(verify(secret, body, bad, options))).toBe('invalid_header')
    })

    it.each([
      ['letters', 'abc'],
      ['a fraction', '1614265330.5'],
      ['a sign', '+1614265330'],
      ['a leading zero', '01614265330'],
      ['milliseconds', '1614265330000'],
      ['an ISO date', '2021-02-25T15:02:10Z'],
    ])('rejects a timestamp with %s', async (_, value) => {
      expect(await check({ 'webhook-timestamp': value })).toBe('invalid_timestamp')
    })
  })

  describe('tolerance', () => {
    const within = (offset: number, tolerance?: number) =>
      codeOf(
        verify(secret, body, headers(), {
          fastPath,
          now: at(timestamp + offset),
          ...(tolerance === undefined ? {} : { tolerance }),
        }),
      )

    it('accepts a timestamp exactly at the 300 s edge in both directions', async () => {
      expect(await within(300)).toBe('resolved')
      expect(await within(-300)).toBe('resolved')
    })

    it('rejects a timestamp older than the tolerance', async () => {
      expect(await within(301)).toBe('timestamp_too_old')
    })

    it('rejects a timestamp further in the future than the tolerance', async () => {
      expect(await within(-301)).toBe('timestamp_too_new')
    })

    it('counts whole seconds: 300.999 s old is still within the tolerance', async () => {
      const result = verify(secret, body, headers(), {
        fastPath,
        now: () => (timestamp + 300) * 1000 + 999,
      })
      await expect(result).resolves.toEqual({ id, timestamp })
    })

    it('honours a custom tolerance', async () => {
      expect(await within(10, 10)).toBe('resolved')
      expect(await within(11, 10)).toBe('timestamp_too_old')
      expect(await within(-11, 10)).toBe('timestamp_too_new')
      expect(await within(1, 0)).toBe('timestamp_too_old')
    })

    it('checks the timestamp before the signature', async () => {
      const stale = verify(secret, 'tampered', headers(), { fastPath, now: at(timestamp + 301) })
      expect(await codeOf(stale)).toBe('timestamp_too_old')
    })

    it('turns off with an infinite tolerance', async () => {
      expect(await within(10 ** 9, Number.POSITIVE_INFINITY)).toBe('resolved')
    })

    it('rejects a negative or non-numeric tolerance', () => {
      expect(() => createVerifier(secret, { tolerance: -1 })).toThrow(RangeError)
      expect(() => createVerifier(secret, { tolerance: Number.NaN })).toThrow(RangeError)
    })
  })

  describe('the signature list', () => {
    it('accepts any matching signature of the list (sender-side rotation)', async () => {
      const old = await sign(generateSecret(), { id, timestamp, body })
      expect(await check({ 'webhook-signature': `${old} ${signature}` })).toBe('resolved')
      expect(await check({ 'webhook-signature': `${signature} ${old}` })).toBe('resolved')
    })

    it('accepts any of several keys (receiver-side rotation)', async () => {
      expect(await check({}, body, [generateSecret(), secret])).toBe('resolved')
    })

    it('skips signatures of unknown versions', async () => {
      expect(await check({ 'webhook-signature': `v2,whatever v1b,abc ${signature}` })).toBe(
        'resolved',
      )
    })

    it('rejects a list of unknown versions only as a mismatch', async () => {
      expect(await check({ 'webhook-signature': 'v2,whatever' })).toBe('signature_mismatch')
    })

    it.each([
      ['no comma', 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
      ['an empty version', ',g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
      ['invalid base64', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1O!='],
      ['url-safe base64', 'v1,g0hM9SsE-OTPJTGt_tmIKtSyZlE3uFJELVlNIOLJ1OE='],
      ['missing padding', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE'],
      ['a truncated MAC', 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJE'],
      ['a v1a signature of 32 bytes', 'v1a,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='],
    ])('rejects an entry with %s', async (_, value) => {
      expect(await check({ 'webhook-signature': value })).toBe('invalid_signature_format')
    })

    it('rejects more than 32 signatures', async () => {
      const many = Array.from({ length: 33 }, () => signature).join(' ')
      expect(await check({ 'webhook-signature': many })).toBe('invalid_signature_format')
    })
  })

  describe('Ed25519 (v1a)', () => {
    it('verifies with the whpk_ public key and rejects other keys', async () => {
      const { secretKey, publicKey } = await generateKeyPair()
      const other = await generateKeyPair()
      const header = await sign(secretKey, { id, timestamp, body }, { fastPath })
      const h = { 'webhook-signature': header }
      expect(await check(h, body, publicKey)).toBe('resolved')
      expect(await check(h, `${body} `, publicKey)).toBe('signature_mismatch')
      expect(await check(h, body, other.publicKey)).toBe('signature_mismatch')
      expect(await check(h, body, secret)).toBe('signature_mismatch')
      expect(await check({}, body, publicKey)).toBe('signature_mismatch')
    })

    it('refuses a whsk_ secret key, which belongs only to the sender', async () => {
      const { secretKey } = await generateKeyPair()
      expect(() => createVerifier(secretKey, options)).toThrow(
        expect.objectContaining({ code: 'invalid_key' }),
      )
    })
  })

  describe('the body', () => {
    it('rejects a parsed JSON object with a TypeError explaining the raw body', async () => {
      const parsed = JSON.parse(body) as unknown as string
      await expect(verify(secret, parsed, headers(), options)).rejects.toThrow(TypeError)
      await expect(verify(secret, parsed, headers(), options)).rejects.toThrow(/raw request body/)
    })

    it('rejects a string with a lone surrogate', async () => {
      expect(await check({}, '{"a":"\uDC00"}')).toBe('invalid_body')
    })
  })
})

describe('safeVerify', () => {
  it('resolves the id and timestamp on success', async () => {
    expect(await safeVerify(secret, body, headers(), { now })).toEqual({
      success: true,
      output: { id, timestamp },
    })
  })

  it('resolves a ProtocolError on failure instead of rejecting', async () => {
    const result = await safeVerify(secret, 'tampered', headers(), { now })
    expect(result.success).toBe(false)
    if (!result.success) {
      expect(result.error).toBeInstanceOf(ProtocolError)
      expect(result.error.code).toBe('signature_mismatch')
    }
  })

  it('resolves invalid_key for a bad key', async () => {
    const result = await safeVerify('whsec_short', body, headers(), { now })
    expect(result).toMatchObject({ success: false, error: { code: 'invalid_key' } })
  })

  it('still rejects a programming error such as a parsed body', async () => {
    const parsed = { test: 2432232314 } as unknown as string
    await expect(safeVerify(secret, parsed, headers(), { now })).rejects.toThrow(TypeError)
  })

  it('is also a method of the verifier', async () => {
    const verifier = createVerifier(secret, { now })
    expect(await verifier.safeVerify(body, headers())).toMatchObject({ success: true })
  })

  it('uses the real clock by default', async () => {
    const fresh = Math.floor(Date.now() / 1000)
    const header = await sign(secret, { id, timestamp: fresh, body })
    const result = await safeVerify(secret, body, {
      ...headers({ 'webhook-signature': header }),
      'webhook-timestamp': String(fresh),
    })
    expect(result).toMatchObject({ success: true })
    expect(await safeVerify(secret, body, headers())).toMatchObject({
      error: { code: 'timestamp_too_old' },
    })
  })
})
