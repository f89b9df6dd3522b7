import { decodeBase64 } from './base64'
import { ProtocolError } from './protocol-error'

/** A key as the signer and verifier use it, decoded from its `wh*_` string. */
export type ParsedKey =
  | { readonly kind: 'hmac'; readonly secret: Uint8Array }
  | { readonly kind: 'ed25519-secret'; readonly seed: Uint8Array; readonly publicKey?: Uint8Array }
  | { readonly kind: 'ed25519-public'; readonly publicKey: Uint8Array }

/** The smallest and largest HMAC secret in bytes, as the Standard Webhooks spec sets them. */
export const SECRET_BYTES = { min: 24, max: 64 } as const

const invalid = (message: string) => new ProtocolError('invalid_key', message)

/**
 * Decodes one key string. Key material never appears in error messages.
 *
 * - `whsec_<base64>`: an HMAC-SHA256 secret of 24..64 bytes (signature `v1`).
 * - `whsk_<base64>`: an Ed25519 secret key (signature `v1a`): the 32-byte seed (RFC 8032), as the
 *   Standard Webhooks reference libraries write it. The 64-byte seed-then-public-key form (Go's
 *   `ed25519.PrivateKey`, libsodium) is accepted too; its public half is checked on first use.
 * - `whpk_<base64>`: an Ed25519 public key, 32 raw bytes.
 *
 * @example
 * parseKey('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw').kind // 'hmac'
 */
export function parseKey(key: string): ParsedKey {
  if (typeof key !== 'string') throw invalid(`a key must be a string, got ${typeof key}`)
  if (key.startsWith('whsec_')) {
    const secret = decodeBase64(key.slice(6))
    if (!secret) throw invalid('a whsec_ key must be strict standard base64 after the prefix')
    if (secret.length < SECRET_BYTES.min || secret.length > SECRET_BYTES.max) {
      throw invalid(
        `a whsec_ secret must be ${SECRET_BYTES.min} to ${SECRET_BYTES.max} bytes, got ${secret.length}`,
      )
    }
    return { kind: 'hmac', secret }
  }
  if (key.startsWith('whsk_')) {
    const bytes = decodeBase64(key.slice(5))
    if (bytes?.length === 32) return { kind: 'ed25519-secret', seed: bytes }
    if (bytes?.length === 64) {
      return { kind: 'ed25519-secret', seed: bytes.subarray(0, 32), publicKey: bytes.subarray(32) }
    }
    throw invalid('a whsk_ key must be base64 of a 32-byte Ed25519 seed (or seed + public key)')
  }
  if (key.startsWith('whpk_')) {
    const bytes = decodeBase64(key.slice(5))
    if (bytes?.length === 32) return { kind: 'ed25519-public', publicKey: bytes }
    throw invalid('a whpk_ key must be base64 of a 32-byte Ed25519 public key')
  }
  throw invalid('a key must start with whsec_, whsk_ or whpk_')
}

/**
 * Normalises the `keys` argument of the signer and verifier: one key or a non-empty list.
 *
 * @example
 * parseKeys(['whsec_new...', 'whsec_old...']).length // 2
 */
export function parseKeys(keys: string | readonly string[]): ParsedKey[] {
  const list = typeof keys === 'string' ? [keys] : keys
  if (!Array.isArray(list) || list.length === 0) {
    throw invalid('pass a key or a non-empty list of keys')
  }
  return list.map(parseKey)
}
