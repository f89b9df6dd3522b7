import { describe, expect, it } from 'vitest'
import { createHmacSha256 } from './hmac-sha256'

const secret = Uint8Array.from({ length: 32 }, (_, i) => (i * 37 + 11) % 256)
const bytesOf = (text: string) => new TextEncoder().encode(text)

const bodies: [string, string | Uint8Array][] = [
  ['an empty body', ''],
  ['a short JSON body', '{"type":"invoice.paid","data":{"id":"in_1"}}'],
  ['multi-byte characters', `{"note":"${'é😀日'.repeat(200)}"}`],
  ['raw bytes', bytesOf('{"bytes":true}')],
  ['bytes that are not UTF-8', Uint8Array.from({ length: 300 }, (_, i) => (i * 7) % 256)],
  ['a body just under the scratch limit', 'x'.repeat(16 * 1024 - 40)],
  ['a body over the scratch limit', 'y'.repeat(40 * 1024)],
  ['large bytes', new Uint8Array(70 * 1024).fill(200)],
]

describe('createHmacSha256', () => {
  const webCrypto = createHmacSha256(secret, false)
  const fast = createHmacSha256(secret, true)
  const prefix = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC.1700000000.'

  it.each(bodies)('gives the WebCrypto MAC on the fast path for %s', async (_, body) => {
    const expected = await webCrypto.digestBase64(prefix, body)
    expect(await fast.digestBase64(prefix, body)).toBe(expected)
    expect(Buffer.from(await fast.digest(prefix, body)).toString('base64')).toBe(expected)
  })

  it('keeps each key apart when several sign in turn', async () => {
    const other = Uint8Array.from(secret, (byte) => byte ^ 0xff)
    const [a, b] = [createHmacSha256(secret, true), createHmacSha256(other, true)]
    const body = '{"n":1}'
    for (let i = 0; i < 3; i++) {
      expect(await a.digestBase64(prefix, body)).toBe(await webCrypto.digestBase64(prefix, body))
      expect(await b.digestBase64(prefix, body)).toBe(
        await createHmacSha256(other, false).digestBase64(prefix, body),
      )
    }
  })

  it('signs different messages of the same length in a row apart', async () => {
    for (const body of ['{"n":1}', '{"n":2}', '{"m":1}']) {
      expect(await fast.digestBase64(prefix, body)).toBe(await webCrypto.digestBase64(prefix, body))
    }
  })
})
