import { encodeBase64 } from './base64'

/** An Ed25519 key pair in Standard Webhooks form. */
export interface KeyPair {
  /** `whsk_` + base64 of the 32-byte seed: give it only to the sender. */
  secretKey: string
  /** `whpk_` + base64 of the 32-byte public key: give it to receivers. */
  publicKey: string
}

/**
 * A new Ed25519 key pair for asymmetric (`v1a`) signatures, made with WebCrypto. The secret key
 * is the raw 32-byte seed (RFC 8032), as the Standard Webhooks reference libraries encode it;
 * the public key is the raw 32-byte point.
 *
 * @example
 * const { secretKey, publicKey } = await generateKeyPair()
 * const signer = createSigner(secretKey) // sender
 * const verifier = createVerifier(publicKey) // receiver
 */
export async function generateKeyPair(): Promise<KeyPair> {
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey('pkcs8', pair.privateKey))
  const raw = new Uint8Array(await crypto.subtle.exportKey('raw', pair.publicKey))
  // A PKCS#8 Ed25519 key (RFC 8410) ends with the 32-byte seed.
  return {
    secretKey: `whsk_${encodeBase64(pkcs8.subarray(pkcs8.length - 32))}`,
    publicKey: `whpk_${encodeBase64(raw)}`,
  }
}
