import { encodeBase64 } from './base64'
import { createEd25519Signer } from './ed25519'
import { createHmacSha256 } from './hmac-sha256'
import { type ParsedKey, parseKeys } from './parse-key'
import { ProtocolError } from './protocol-error'
import { assertBody, isValidId, isValidTimestamp } from './signed-content'

/** What gets signed: the message id, the attempt time and the raw body bytes. */
export interface SignInput {
  /** The `webhook-id`: 1..256 printable ASCII characters without `.`. */
  id: string
  /** The `webhook-timestamp`: unix **seconds** of this attempt. */
  timestamp: number
  /** The exact bytes sent (a string is sent as UTF-8). */
  body: string | Uint8Array
}

/** Options of {@link createSigner} and {@link sign}. */
export interface SignerOptions {
  /**
   * Use `node:crypto` synchronously when the runtime has it (Node >= 20.16, Bun, Deno); `false`
   * forces WebCrypto. Default `true`. Signatures are identical either way.
   */
  fastPath?: boolean
}

/** Signs messages with a fixed set of keys whose imported forms it keeps. */
export interface Signer {
  /** The `webhook-signature` header value for `message`: one signature per key, space-separated. */
  sign(message: SignInput): Promise<string>
  /**
   * The same signature as {@link Signer.sign}, as a string when every key signs synchronously
   * (`whsec_` keys with the `node:crypto` fast path), else as a promise. Invalid input throws
   * (rather than rejects). For a sender's hot path: no promise, nor `await`, per signature.
   */
  signNow(message: SignInput): string | Promise<string>
}

type Part = (prefix: string, body: string | Uint8Array) => string | Promise<string>

function part(key: ParsedKey, fastPath: boolean): Part {
  if (key.kind === 'hmac') {
    const hmac = createHmacSha256(key.secret, fastPath)
    return (prefix, body) => {
      const mac = hmac.digestBase64(prefix, body)
      return typeof mac === 'string' ? `v1,${mac}` : mac.then((value) => `v1,${value}`)
    }
  }
  if (key.kind === 'ed25519-secret') {
    let signer: ReturnType<typeof createEd25519Signer> | undefined
    return async (prefix, body) => {
      signer ??= createEd25519Signer(key.seed, key.publicKey, fastPath)
      return `v1a,${encodeBase64(await signer.sign(prefix, body))}`
    }
  }
  throw new ProtocolError(
    'invalid_key',
    'a whpk_ public key can only verify; sign with the whsk_ secret key',
  )
}

/**
 * A signer for one key or several (during rotation every key signs, and receivers accept any).
 * `whsec_` keys give `v1,<base64 HMAC-SHA256>`, `whsk_` keys `v1a,<base64 Ed25519>`. Keys are
 * checked now (ProtocolError `invalid_key`) and imported once.
 *
 * @example
 * const signer = createSigner(process.env.WEBHOOK_SECRET!)
 * const body = JSON.stringify({ type: 'order.created', timestamp: new Date().toISOString(), data })
 * const id = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
 * const timestamp = Math.floor(Date.now() / 1000)
 * await fetch(target, {
 *   method: 'POST',
 *   body,
 *   headers: {
 *     'content-type': 'application/json',
 *     'webhook-id': id,
 *     'webhook-timestamp': String(timestamp),
 *     'webhook-signature': await signer.sign({ id, timestamp, body }),
 *   },
 * })
 */
export function createSigner(
  keys: string | readonly string[],
  options: SignerOptions = {},
): Signer {
  const fastPath = options.fastPath ?? true
  const parts = parseKeys(keys).map((key) => part(key, fastPath))
  const signNow = (message: SignInput): string | Promise<string> => {
    const { id, timestamp, body } = message
    if (typeof id !== 'string' || !isValidId(id)) {
      throw new ProtocolError(
        'invalid_header',
        'the message id must be 1..256 printable ASCII characters without "."',
      )
    }
    const time = typeof timestamp === 'number' ? String(timestamp) : typeof timestamp
    if (!isValidTimestamp(time)) {
      throw new ProtocolError(
        'invalid_timestamp',
        `the timestamp must be a whole number of unix seconds (0..999999999999), got ${time}`,
      )
    }
    assertBody(body)
    const prefix = `${id}.${time}.`
    if (parts.length === 1) return (parts[0] as Part)(prefix, body)
    return signAll(parts, prefix, body)
  }
  return {
    async sign(message) {
      return signNow(message)
    },
    signNow,
  }
}

/** Every key's signature, space-separated (a key rotation: receivers accept any). */
async function signAll(parts: Part[], prefix: string, body: string | Uint8Array): Promise<string> {
  const signatures: string[] = []
  for (const sign of parts) signatures.push(await sign(prefix, body))
  return signatures.join(' ')
}

/**
 * Signs one message: {@link createSigner} without keeping the signer. Prefer a signer when
 * signing more than once with the same keys.
 *
 * @example
 * const signature = await sign('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', {
 *   id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
 *   timestamp: 1614265330,
 *   body: '{"test": 2432232314}',
 * }) // 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
 */
export async function sign(
  keys: string | readonly string[],
  message: SignInput,
  options: SignerOptions = {},
): Promise<string> {
  return createSigner(keys, options).sign(message)
}
