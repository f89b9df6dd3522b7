import { afterEach, describe, expect, it, vi } from 'vitest'
import { generateKeyPair } from './generate-key-pair'
import { generateSecret } from './generate-secret'
import { nodeCrypto } from './node-crypto'
import { ProtocolError } from './protocol-error'
import { createSigner, sign } from './sign'
import { createVerifier } from './verify'

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const message = {
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
}
const published = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='

const headersOf = (id: string, timestamp: number, signature: string) => ({
  'webhook-id': id,
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
})

const rejection = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  )

afterEach(() => vi.restoreAllMocks())

describe.each([
  { path: 'node:crypto fast path', fastPath: true },
  { path: 'WebCrypto', fastPath: false },
])('sign ($path)', ({ fastPath }) => {
  const options = { fastPath }

  it('reproduces the published Standard Webhooks signature', async () => {
    expect(await sign(secret, message, options)).toBe(published)
  })

  it('signs the UTF-8 bytes of a string and the same bytes identically', async () => {
    const body = '{"name":"Zoë 🚀"}'
    const bytes = new TextEncoder().encode(body)
    const signer = createSigner(secret, options)
    expect(await signer.sign({ ...message, body: bytes })).toBe(
      await signer.sign({ ...message, body }),
    )
  })

  it('signs with every key of a rotation list, in order, space-separated', async () => {
    const next = generateSecret()
    const { secretKey, publicKey } = await generateKeyPair()
    const header = await sign([secret, next, secretKey], message, options)
    const [first, second, third, ...rest] = header.split(' ')
    expect(rest).toEqual([])
    expect(first).toBe(published)
    expect(second).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/)
    expect(third).toMatch(/^v1a,[A-Za-z0-9+/]{86}==$/)
    const now = () => message.timestamp * 1000
    for (const key of [secret, next, publicKey]) {
      const verifier = createVerifier(key, { now, fastPath })
      await expect(
        verifier.verify(message.body, headersOf(message.id, message.timestamp, header)),
      ).resolves.toEqual({ id: message.id, timestamp: message.timestamp })
    }
  })

  it('signs v1a deterministically (Ed25519 has no randomness)', async () => {
    const { secretKey } = await generateKeyPair()
    const signer = createSigner(secretKey, options)
    expect(await signer.sign(message)).toBe(await signer.sign(message))
  })

  it('rejects a whpk_ public key at creation, since it cannot sign', async () => {
    const { publicKey } = await generateKeyPair()
    expect(() => createSigner(publicKey, options)).toThrow(ProtocolError)
    const error = await rejection(sign(publicKey, message, options))
    expect(error).toMatchObject({ code: 'invalid_key' })
  })

  it.each([
    ['empty', ''],
    ['containing "."', 'msg.1'],
    ['containing a space', 'msg 1'],
    ['containing non-ASCII', 'msg_é'],
    ['longer than 256 characters', 'm'.repeat(257)],
  ])('rejects an id that is %s, as it would make the header ambiguous', async (_, id) => {
    const error = await rejection(sign(secret, { ...message, id }, options))
    expect(error).toMatchObject({ name: 'ProtocolError', code: 'invalid_header' })
  })

  it.each([
    ['milliseconds', Date.now()],
    ['negative', -1],
    ['fractional', 1614265330.5],
    ['NaN', Number.NaN],
    ['a string', '1614265330' as unknown as number],
  ])('rejects a timestamp that is %s', async (_, timestamp) => {
    const error = await rejection(sign(secret, { ...message, timestamp }, options))
    expect(error).toMatchObject({ code: 'invalid_timestamp' })
  })

  it('rejects a string body with a lone surrogate', async () => {
    const error = await rejection(sign(secret, { ...message, body: 'a\uD800b' }, options))
    expect(error).toMatchObject({ code: 'invalid_body' })
  })

  it('rejects a parsed object body with a TypeError that names the raw body', async () => {
    const body = { test: 2432232314 } as unknown as string
    const error = await rejection(sign(secret, { ...message, body }, options))
    expect(error).toBeInstanceOf(TypeError)
    expect((error as Error).message).toMatch(/raw request body/)
  })
})

describe('createSigner', () => {
  it('rejects a malformed key when it is created', () => {
    expect(() => createSigner('whsec_not base64')).toThrow(
      expect.objectContaining({ code: 'invalid_key' }),
    )
    expect(() => createSigner([])).toThrow(expect.objectContaining({ code: 'invalid_key' }))
  })

  it('imports each WebCrypto key once, however many messages it signs', async () => {
    const importKey = vi.spyOn(crypto.subtle, 'importKey')
    const { secretKey } = await generateKeyPair()
    const signer = createSigner([secret, secretKey], { fastPath: false })
    for (let i = 0; i < 3; i++) await signer.sign({ ...message, id: `msg_${i}` })
    expect(importKey).toHaveBeenCalledTimes(2)
  })

  // Every runtime of the matrix (Node >= 20.16, Bun, Deno) has process.getBuiltinModule; only a
  // browser-like runtime without it skips this.
  it.skipIf(!nodeCrypto())('signs and verifies without WebCrypto on the fast path', async () => {
    const subtle = [
      vi.spyOn(crypto.subtle, 'importKey'),
      vi.spyOn(crypto.subtle, 'sign'),
      vi.spyOn(crypto.subtle, 'verify'),
    ]
    const { secretKey, publicKey } = await generateKeyPair()
    const header = await sign([secret, secretKey], message)
    const now = () => message.timestamp * 1000
    const headers = headersOf(message.id, message.timestamp, header)
    await createVerifier([secret, publicKey], { now }).verify(message.body, headers)
    await createVerifier(publicKey, { now }).verify(message.body, headers)
    for (const spy of subtle) expect(spy).not.toHaveBeenCalled()
  })

  it('rejects a 64-byte whsk_ key whose public half is not its own', async () => {
    const a = await generateKeyPair()
    const b = await generateKeyPair()
    const seed = Uint8Array.from(atob(a.secretKey.slice(5)), (c) => c.charCodeAt(0))
    const wrongPublic = Uint8Array.from(atob(b.publicKey.slice(5)), (c) => c.charCodeAt(0))
    const rightPublic = Uint8Array.from(atob(a.publicKey.slice(5)), (c) => c.charCodeAt(0))
    const key = (pub: Uint8Array) => `whsk_${btoa(String.fromCharCode(...seed, ...pub))}`
    for (const fastPath of [true, false]) {
      await expect(sign(key(rightPublic), message, { fastPath })).resolves.toMatch(/^v1a,/)
      const error = await rejection(sign(key(wrongPublic), message, { fastPath }))
      expect(error).toMatchObject({ code: 'invalid_key' })
    }
  })
})

describe('Signer.signNow', () => {
  const message = { id: 'msg_p5jXN8AQM9LWM0D4loKWxJek', timestamp: 1614265330, body: '{"a":1}' }

  it('gives the signature of sign, as a string with the node:crypto fast path', async () => {
    const secret = generateSecret()
    const signer = createSigner(secret)
    const now = signer.signNow(message)
    if (nodeCrypto()) expect(typeof now).toBe('string')
    expect(await now).toBe(await signer.sign(message))
  })

  it('gives a promise of the same signature with WebCrypto and with several keys', async () => {
    const keys = [generateSecret(), generateSecret()]
    const web = createSigner(keys[0] as string, { fastPath: false })
    expect(web.signNow(message)).toBeInstanceOf(Promise)
    expect(await web.signNow(message)).toBe(await createSigner(keys[0] as string).sign(message))
    const rotating = createSigner(keys)
    expect(await rotating.signNow(message)).toBe(await rotating.sign(message))
  })

  it('throws on an invalid message, where sign rejects', async () => {
    const signer = createSigner(generateSecret())
    const bad = { ...message, id: 'has.dot' }
    expect(() => signer.signNow(bad)).toThrow(ProtocolError)
    await expect(signer.sign(bad)).rejects.toThrow(ProtocolError)
  })
})
