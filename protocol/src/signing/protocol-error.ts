/**
 * Every code a {@link ProtocolError} can carry, with what it means. Codes are stable: match on
 * `error.code`, never on the message.
 *
 * @example
 * protocolErrorCodes.timestamp_too_old // 'webhook-timestamp is older than the tolerance allows'
 */
export const protocolErrorCodes = {
  invalid_key:
    'a key is not a whsec_ (HMAC, 24..64 bytes), whsk_ (Ed25519 secret) or whpk_ (Ed25519 public) key in strict base64, or is used for the wrong role',
  missing_header: 'webhook-id, webhook-timestamp or webhook-signature is absent or empty',
  unsigned_sender:
    'none of webhook-id, webhook-timestamp, webhook-signature is present: the sender does not sign (go-resthooks, a plain POST), so nothing can be verified',
  invalid_header:
    'webhook-id is not 1..256 printable ASCII characters without "." (or a header has several different values)',
  invalid_signature_format:
    'an entry of webhook-signature is not "<version>,<base64>", or a v1/v1a entry is not strict base64 of the right length',
  invalid_timestamp:
    'webhook-timestamp is not unix seconds (1..12 decimal digits, no leading zero)',
  timestamp_too_old: 'webhook-timestamp is older than the tolerance allows',
  timestamp_too_new: 'webhook-timestamp is further in the future than the tolerance allows',
  signature_mismatch: 'no signature in webhook-signature matches any of the keys',
  invalid_body:
    'the body string is not well-formed Unicode (lone surrogates), so its bytes are ambiguous',
  invalid_payload: 'the verified body is not the expected payload (not JSON, or not the schema)',
} as const satisfies Record<string, string>

/** A stable code of {@link ProtocolError}; see {@link protocolErrorCodes}. */
export type ProtocolErrorCode = keyof typeof protocolErrorCodes

/**
 * The one error class of `@rh/protocol`: bad keys, and every reason a webhook fails
 * verification. `code` is stable; `message` is for humans; `cause` keeps the underlying error.
 *
 * @example
 * try {
 *   await verify(secret, body, request.headers)
 * } catch (error) {
 *   if (error instanceof ProtocolError && error.code === 'timestamp_too_old') return new Response(null, { status: 400 })
 *   throw error
 * }
 */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError'
  readonly code: ProtocolErrorCode

  constructor(code: ProtocolErrorCode, message?: string, options?: { cause?: unknown }) {
    super(message ?? protocolErrorCodes[code], options)
    this.code = code
  }
}
