import { describe, expect, it } from 'vitest'
import { decodeBase64 } from './base64'
import { generateKeyPair } from './generate-key-pair'

describe('generateKeyPair', () => {
  it('makes a whsk_ 32-byte seed and a whpk_ 32-byte public key', async () => {
    const { secretKey, publicKey } = await generateKeyPair()
    expect(secretKey).toMatch(/^whsk_/)
    expect(publicKey).toMatch(/^whpk_/)
    expect(decodeBase64(secretKey.slice(5))).toHaveLength(32)
    expect(decodeBase64(publicKey.slice(5))).toHaveLength(32)
  })

  it('makes a public key that belongs to the seed', async () => {
    const { secretKey, publicKey } = await generateKeyPair()
    const seed = decodeBase64(secretKey.slice(5)) as Uint8Array
    const pkcs8 = new Uint8Array([
      ...[
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
      ],
      ...seed,
    ])
    const key = await crypto.subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, true, ['sign'])
    const jwk = await crypto.subtle.exportKey('jwk', key)
    const x = (jwk.x ?? '').replaceAll('-', '+').replaceAll('_', '/')
    expect(`whpk_${x}=`).toBe(publicKey)
  })

  it('makes a different pair each time', async () => {
    const [a, b] = await Promise.all([generateKeyPair(), generateKeyPair()])
    expect(a.secretKey).not.toBe(b.secretKey)
  })
})
