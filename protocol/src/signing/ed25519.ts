import { decodeBase64 } from './base64'
import { nodeCrypto } from './node-crypto'
import { ProtocolError } from './protocol-error'
import { signedBytes } from './signed-content'

/** Signs the content `prefix + body` with one Ed25519 secret key imported once. */
export interface Ed25519Signer {
  sign(prefix: string, body: string | Uint8Array): Uint8Array | Promise<Uint8Array>
}

/** Checks an Ed25519 signature over `prefix + body` with one public key imported once. */
export interface Ed25519Verifier {
  verify(
    prefix: string,
    body: string | Uint8Array,
    signature: Uint8Array,
  ): boolean | Promise<boolean>
}

// DER headers that wrap a raw 32-byte seed / public key as PKCS#8 / SPKI (RFC 8410), the only
// Ed25519 formats every WebCrypto accepts for import.
const PKCS8_HEADER = [
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]
const SPKI_HEADER = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

const der = (header: number[], raw: Uint8Array) => {
  const bytes = new Uint8Array(header.length + raw.length)
  bytes.set(header)
  bytes.set(raw, header.length)
  return bytes
}

/** Wraps a 32-byte Ed25519 seed as PKCS#8 DER. */
export const seedToPkcs8 = (seed: Uint8Array): Uint8Array => der(PKCS8_HEADER, seed)

const badKey = (message: string, cause?: unknown) =>
  new ProtocolError('invalid_key', message, cause === undefined ? {} : { cause })

const equalBytes = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((byte, i) => byte === b[i])

const mismatch = () =>
  badKey('the public half of the 64-byte whsk_ key does not belong to its seed')

/**
 * An Ed25519 signer for a 32-byte seed. `expectedPublicKey` (from a 64-byte whsk_ key) is
 * checked against the seed before the first signature.
 *
 * @example
 * const signature = await createEd25519Signer(seed, undefined, true).sign('msg_1.1700000000.', body)
 */
export function createEd25519Signer(
  seed: Uint8Array,
  expectedPublicKey: Uint8Array | undefined,
  fastPath: boolean,
): Ed25519Signer {
  const node = fastPath ? nodeCrypto() : undefined
  if (node) {
    let key: ReturnType<typeof node.createPrivateKey>
    try {
      key = node.createPrivateKey({ key: seedToPkcs8(seed), format: 'der', type: 'pkcs8' })
    } catch (cause) {
      throw badKey('the whsk_ key is not a usable Ed25519 key', cause)
    }
    if (expectedPublicKey) {
      const spki = node.createPublicKey(key).export({ format: 'der', type: 'spki' })
      if (!equalBytes(new Uint8Array(spki).subarray(SPKI_HEADER.length), expectedPublicKey)) {
        throw mismatch()
      }
    }
    return { sign: (prefix, body) => node.sign(null, signedBytes(prefix, body), key) }
  }
  let imported: Promise<CryptoKey> | undefined
  const load = async () => {
    const key = await crypto.subtle
      .importKey(
        'pkcs8',
        seedToPkcs8(seed) as Uint8Array<ArrayBuffer>,
        { name: 'Ed25519' },
        expectedPublicKey !== undefined,
        ['sign'],
      )
      .catch((cause: unknown) => {
        throw badKey(
          'the whsk_ key is not a usable Ed25519 key (does this runtime support Ed25519 in WebCrypto?)',
          cause,
        )
      })
    if (expectedPublicKey) {
      const { x = '' } = await crypto.subtle.exportKey('jwk', key)
      const publicKey = decodeBase64Url(x)
      if (!publicKey || !equalBytes(publicKey, expectedPublicKey)) throw mismatch()
    }
    return key
  }
  return {
    async sign(prefix, body) {
      imported ??= load()
      const data = signedBytes(prefix, body) as Uint8Array<ArrayBuffer>
      return new Uint8Array(await crypto.subtle.sign('Ed25519', await imported, data))
    },
  }
}

/**
 * An Ed25519 verifier for a 32-byte public key.
 *
 * @example
 * const ok = await createEd25519Verifier(publicKey, true).verify('msg_1.1700000000.', body, signature)
 */
export function createEd25519Verifier(publicKey: Uint8Array, fastPath: boolean): Ed25519Verifier {
  const node = fastPath ? nodeCrypto() : undefined
  if (node) {
    let key: ReturnType<typeof node.createPublicKey>
    try {
      key = node.createPublicKey({ key: der(SPKI_HEADER, publicKey), format: 'der', type: 'spki' })
    } catch (cause) {
      throw badKey('the whpk_ key is not a valid Ed25519 public key', cause)
    }
    return {
      verify: (prefix, body, signature) =>
        node.verify(null, signedBytes(prefix, body), key, signature),
    }
  }
  let imported: Promise<CryptoKey> | undefined
  return {
    async verify(prefix, body, signature) {
      imported ??= crypto.subtle
        .importKey('raw', publicKey as Uint8Array<ArrayBuffer>, { name: 'Ed25519' }, false, [
          'verify',
        ])
        .catch((cause: unknown) => {
          throw badKey('the whpk_ key is not a usable Ed25519 public key', cause)
        })
      const data = signedBytes(prefix, body) as Uint8Array<ArrayBuffer>
      return crypto.subtle.verify(
        'Ed25519',
        await imported,
        signature as Uint8Array<ArrayBuffer>,
        data,
      )
    },
  }
}

/** Decodes unpadded base64url (JWK members) through the strict base64 decoder. */
export function decodeBase64Url(text: string): Uint8Array | undefined {
  if (/[^A-Za-z0-9_-]/.test(text)) return undefined
  const standard = text.replaceAll('-', '+').replaceAll('_', '/')
  return decodeBase64(standard + '='.repeat((4 - (standard.length % 4)) % 4))
}
