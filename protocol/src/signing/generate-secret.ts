import { encodeBase64 } from './base64'
import { SECRET_BYTES } from './parse-key'
import { ProtocolError } from './protocol-error'

/**
 * A new random HMAC secret, `whsec_` + standard base64 of `byteLength` random bytes (24..64,
 * default 32), from the platform's cryptographic random source.
 *
 * @example
 * const secret = generateSecret() // 'whsec_…' (32 bytes)
 */
export function generateSecret(byteLength = 32): string {
  if (
    !Number.isInteger(byteLength) ||
    byteLength < SECRET_BYTES.min ||
    byteLength > SECRET_BYTES.max
  ) {
    throw new ProtocolError(
      'invalid_key',
      `a secret must be ${SECRET_BYTES.min} to ${SECRET_BYTES.max} bytes, got ${String(byteLength)}`,
    )
  }
  return `whsec_${encodeBase64(crypto.getRandomValues(new Uint8Array(byteLength)))}`
}
