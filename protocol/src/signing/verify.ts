import { decodeBase64 } from './base64'
import { createEd25519Verifier } from './ed25519'
import { createHmacSha256 } from './hmac-sha256'
import { type ParsedKey, parseKeys } from './parse-key'
import { type ParsedSignature, parseSignatures } from './parse-signatures'
import { ProtocolError } from './protocol-error'
import { type HeadersLike, readWebhookHeaders } from './read-headers'
import { assertBody, isValidId, isValidTimestamp } from './signed-content'

/** What a successful verification vouches for, besides the body. */
export interface VerifiedMessage {
  /** The `webhook-id`: use it as an idempotency key. */
  id: string
  /** The `webhook-timestamp`, unix seconds. */
  timestamp: number
}

/** The outcome of {@link safeVerify}, valibot-style. */
export type SafeVerifyResult =
  | { success: true; output: VerifiedMessage }
  | { success: false; error: ProtocolError }

/** Options of {@link createVerifier}, {@link verify} and {@link safeVerify}. */
export interface VerifierOptions {
  /**
   * How far, in seconds, the timestamp may be from `now` in either direction. Default 300.
   * `Infinity` turns the check off (replaying stored messages in tests).
   */
  tolerance?: number
  /** The current time in milliseconds. Default `Date.now`. */
  now?: () => number
  /** Use `node:crypto` when the runtime has it; `false` forces WebCrypto. Default `true`. */
  fastPath?: boolean
}

/** Verifies webhooks against a fixed set of keys whose imported forms it keeps. */
export interface Verifier {
  /** Resolves with the id and timestamp, or rejects with a {@link ProtocolError}. */
  verify(body: string | Uint8Array, headers: HeadersLike): Promise<VerifiedMessage>
  /** Like `verify`, but a failed verification resolves `{ success: false, error }`. */
  safeVerify(body: string | Uint8Array, headers: HeadersLike): Promise<SafeVerifyResult>
}

type Check = (
  prefix: string,
  body: string | Uint8Array,
  signatures: ParsedSignature[],
) => boolean | Promise<boolean>

/**
 * Constant-time equality of two base64 MACs of the same length: canonical base64, so equal
 * strings are equal bytes. No early exit; the loop always runs over the whole string.
 */
function sameMac(a: string, b: string): boolean {
  let difference = a.length ^ b.length
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i)
  return difference === 0
}

function check(key: ParsedKey, fastPath: boolean): Check {
  if (key.kind === 'hmac') {
    const hmac = createHmacSha256(key.secret, fastPath)
    const compare = (mac: string, signatures: ParsedSignature[]) => {
      let match = false
      for (const { version, value } of signatures) {
        if (version === 'v1' && sameMac(mac, value)) match = true
      }
      return match
    }
    return (prefix, body, signatures) => {
      if (!signatures.some((signature) => signature.version === 'v1')) return false
      const mac = hmac.digestBase64(prefix, body)
      return typeof mac === 'string'
        ? compare(mac, signatures)
        : mac.then((value) => compare(value, signatures))
    }
  }
  if (key.kind === 'ed25519-public') {
    const ed25519 = createEd25519Verifier(key.publicKey, fastPath)
    return async (prefix, body, signatures) => {
      for (const { version, value } of signatures) {
        if (version !== 'v1a') continue
        if (await ed25519.verify(prefix, body, decodeBase64(value) as Uint8Array)) return true
      }
      return false
    }
  }
  throw new ProtocolError(
    'invalid_key',
    'verify with the whpk_ public key; a whsk_ secret key belongs only to the sender',
  )
}

/**
 * A verifier for one key or several (accept old and new secrets during rotation). It checks, in
 * order: the body is raw bytes; the three headers are present and well-formed; the timestamp is
 * within `tolerance` of `now`; one `v1` (HMAC, compared in constant time) or `v1a` (Ed25519)
 * signature over `id.timestamp.body` matches a key. Signatures of unknown versions are skipped.
 * Keys are checked now (ProtocolError `invalid_key`).
 *
 * A body that is neither a string nor a `Uint8Array` is a programming error, a `TypeError`: a
 * parsed JSON object cannot be verified, because its bytes are gone.
 *
 * @example
 * const verifier = createVerifier(process.env.WEBHOOK_SECRET!)
 * export async function POST(request: Request) {
 *   const body = await request.text()
 *   const result = await verifier.safeVerify(body, request.headers)
 *   if (!result.success) return new Response(result.error.code, { status: 400 })
 *   const event = JSON.parse(body)
 *   return new Response(null, { status: 204 })
 * }
 */
export function createVerifier(
  keys: string | readonly string[],
  options: VerifierOptions = {},
): Verifier {
  const { tolerance = 300, now = Date.now, fastPath = true } = options
  if (typeof tolerance !== 'number' || !(tolerance >= 0)) {
    throw new RangeError(`tolerance must be a number of seconds >= 0, got ${String(tolerance)}`)
  }
  const checks = parseKeys(keys).map((key) => check(key, fastPath))

  const verify = async (
    body: string | Uint8Array,
    headers: HeadersLike,
  ): Promise<VerifiedMessage> => {
    assertBody(body)
    const { id, timestamp: time, signature } = readWebhookHeaders(headers)
    if (!isValidId(id)) {
      throw new ProtocolError(
        'invalid_header',
        'webhook-id must be 1..256 printable ASCII characters without "."',
      )
    }
    if (!isValidTimestamp(time)) {
      throw new ProtocolError(
        'invalid_timestamp',
        'webhook-timestamp must be unix seconds: 1..12 digits, no sign, no leading zero',
      )
    }
    const timestamp = Number(time)
    const age = Math.floor(now() / 1000) - timestamp
    if (age > tolerance) {
      throw new ProtocolError(
        'timestamp_too_old',
        `webhook-timestamp is ${age} s old, more than the ${tolerance} s tolerance`,
      )
    }
    if (-age > tolerance) {
      throw new ProtocolError(
        'timestamp_too_new',
        `webhook-timestamp is ${-age} s in the future, more than the ${tolerance} s tolerance`,
      )
    }
    const signatures = parseSignatures(signature)
    const prefix = `${id}.${time}.`
    for (const matches of checks) {
      if (await matches(prefix, body, signatures)) return { id, timestamp }
    }
    throw new ProtocolError(
      'signature_mismatch',
      signatures.length === 0
        ? 'webhook-signature holds no v1 or v1a signature'
        : 'no signature in webhook-signature matches the key(s)',
    )
  }

  return {
    verify,
    safeVerify: (body, headers) => settle(verify(body, headers)),
  }
}

async function settle(verification: Promise<VerifiedMessage>): Promise<SafeVerifyResult> {
  try {
    return { success: true, output: await verification }
  } catch (error) {
    if (error instanceof ProtocolError) return { success: false, error }
    throw error
  }
}

/**
 * Verifies one webhook: {@link createVerifier} without keeping the verifier. Resolves with the
 * id and timestamp, rejects with a {@link ProtocolError} (or a `TypeError` for a parsed body).
 *
 * @example
 * const body = await request.text()
 * const { id } = await verify(process.env.WEBHOOK_SECRET!, body, request.headers)
 */
export async function verify(
  keys: string | readonly string[],
  body: string | Uint8Array,
  headers: HeadersLike,
  options: VerifierOptions = {},
): Promise<VerifiedMessage> {
  return createVerifier(keys, options).verify(body, headers)
}

/**
 * Verifies one webhook without throwing for a bad webhook: resolves
 * `{ success: true, output: { id, timestamp } }` or `{ success: false, error }` where `error` is
 * a {@link ProtocolError}. Programming errors (a parsed body, bad options) still reject.
 *
 * @example
 * const result = await safeVerify(secret, await request.text(), request.headers)
 * if (!result.success) return Response.json({ code: result.error.code }, { status: 400 })
 */
export async function safeVerify(
  keys: string | readonly string[],
  body: string | Uint8Array,
  headers: HeadersLike,
  options: VerifierOptions = {},
): Promise<SafeVerifyResult> {
  return settle(verify(keys, body, headers, options))
}
