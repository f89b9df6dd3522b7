import {
  createVerifier,
  HANDSHAKE_EVENT,
  HandshakeSchema,
  type HeadersLike,
  NotificationSchema,
  ProtocolError,
  type Verifier,
} from '@rh/protocol'
import * as v from 'valibot'
import type { EventMap } from './create-client'
import { describeIssues } from './describe-issues'

/** A webhook to verify: a Fetch `Request`, or the raw body and the headers. */
export type WebhookInput =
  | Request
  | { body: string | Uint8Array | ArrayBuffer; headers: HeadersLike | Headers }

/** Options of {@link verify} and {@link safeVerify}. */
export interface VerifyOptions {
  /** Seconds the `webhook-timestamp` may be from `now`, either way; 300 by default. */
  tolerance?: number | undefined
  /** The current time in milliseconds; `Date.now` by default. */
  now?: (() => number) | undefined
}

/** What every verified webhook carries besides its type and data. */
export interface WebhookMeta {
  /** The `webhook-id`: the same on every retry of one notification; an idempotency key. */
  id: string
  /** The `webhook-timestamp` of this attempt, unix seconds. */
  webhook_timestamp: number
  /** ISO-8601 time of the event. */
  timestamp: string
}

/** The intent-verification request a server sends at subscribe time. */
export interface HandshakeWebhook extends WebhookMeta {
  type: typeof HANDSHAKE_EVENT
  data: { challenge: string; events: string[] }
}

/**
 * A verified webhook: one member per event of the map, narrowed by `type`, or the handshake.
 * The envelope is checked; `data` is typed by the map, not checked against it.
 */
export type Webhook<TEvents extends EventMap = EventMap> =
  | {
      [K in keyof TEvents & string]: WebhookMeta & { type: K; data: TEvents[K] }
    }[keyof TEvents & string]
  | HandshakeWebhook

/** The outcome of {@link safeVerify}. */
export type SafeVerifyResult<TEvents extends EventMap = EventMap> =
  | { success: true; output: Webhook<TEvents> }
  | { success: false; error: ProtocolError }

/**
 * Verifies a webhook and parses it: reads the raw body once, verifies its bytes (signature,
 * timestamp within the tolerance, rotation keys), then parses the JSON and checks the envelope.
 * The key comes first, as in `@rh/protocol`'s `verify(secret, body, headers)` and the Standard
 * Webhooks libraries (`new Webhook(secret).verify(body, headers)`).
 * Rejects with the protocol's `ProtocolError` (`signature_mismatch`, `timestamp_too_old`,
 * `invalid_payload`...), or a `TypeError` when given a parsed body instead of raw bytes.
 *
 * @example
 * type Events = { 'post.created': { id: string } }
 * export async function POST(request: Request) {
 *   const webhook = await verify<Events>(process.env.WEBHOOK_SECRET!, request)
 *   if (webhook.type === 'rh.handshake') return Response.json({ challenge: webhook.data.challenge })
 *   console.log(webhook.id, webhook.data.id)
 *   return new Response(null, { status: 204 })
 * }
 */
export async function verify<TEvents extends EventMap = EventMap>(
  secret: string | readonly string[],
  input: WebhookInput,
  options: VerifyOptions = {},
): Promise<Webhook<TEvents>> {
  return verifyWith<TEvents>(verifierFor(secret, options), input)
}

/**
 * {@link verify} without throwing for a bad webhook: resolves `{ success: true, output }` or
 * `{ success: false, error }` with a `ProtocolError`. Programming errors (a parsed body, a bad
 * key) still reject.
 *
 * @example
 * const result = await safeVerify(secret, request)
 * if (!result.success) return new Response(result.error.code, { status: 401 })
 */
export async function safeVerify<TEvents extends EventMap = EventMap>(
  secret: string | readonly string[],
  input: WebhookInput,
  options: VerifyOptions = {},
): Promise<SafeVerifyResult<TEvents>> {
  const verifier = verifierFor(secret, options)
  try {
    return { success: true, output: await verifyWith<TEvents>(verifier, input) }
  } catch (error) {
    if (error instanceof ProtocolError) return { success: false, error }
    throw error
  }
}

function verifierFor(secret: string | readonly string[], options: VerifyOptions): Verifier {
  // The request came first before the order matched @rh/protocol: name the fix, not a bad key.
  if (typeof secret !== 'string' && !Array.isArray(secret)) {
    throw new TypeError(
      'verify(secret, request) and safeVerify(secret, request) take the secret first, then the request or { body, headers }',
    )
  }
  return createVerifier(secret, verifierOptions(options))
}

/** @internal The verification of {@link verify} with a verifier made once (the receiver's). */
export async function verifyWith<TEvents extends EventMap>(
  verifier: Verifier,
  input: WebhookInput,
  body?: Uint8Array,
): Promise<Webhook<TEvents>> {
  const bytes = body ?? (await readBody(input))
  const { id, timestamp } = await verifier.verify(bytes, input.headers)
  return { ...parseEnvelope(bytes), id, webhook_timestamp: timestamp } as Webhook<TEvents>
}

/** @internal The options of the protocol's verifier, without `undefined` members. */
export function verifierOptions({ tolerance, now }: VerifyOptions) {
  return { ...(tolerance === undefined ? {} : { tolerance }), ...(now ? { now } : {}) }
}

async function readBody(input: WebhookInput): Promise<Uint8Array> {
  if (isRequest(input)) {
    if (input.bodyUsed) {
      throw new TypeError(
        'the request body was already read; verify() needs the raw bytes: pass the request before reading it, or { body, headers }',
      )
    }
    return new Uint8Array(await input.arrayBuffer())
  }
  const { body } = input
  if (typeof body === 'string' || body instanceof Uint8Array) {
    return typeof body === 'string' ? new TextEncoder().encode(body) : body
  }
  if (body instanceof ArrayBuffer) return new Uint8Array(body)
  const kind = body === null ? 'null' : typeof body
  throw new TypeError(
    `the webhook body must be the raw bytes (string, Uint8Array or ArrayBuffer), got ${kind}: a parsed JSON object cannot be verified because its exact bytes are gone (with Express, use express.raw({ type: 'application/json' }) on the webhook route)`,
  )
}

// Duck-typed: a Request of another realm or of a polyfill is still a Request.
function isRequest(input: WebhookInput): input is Request {
  return typeof (input as Request).arrayBuffer === 'function'
}

const decoder = new TextDecoder('utf-8', { fatal: true })
const HandshakeTypeSchema = v.object({ type: v.literal(HANDSHAKE_EVENT) })

function parseEnvelope(bytes: Uint8Array) {
  let text: string
  try {
    text = decoder.decode(bytes)
  } catch (cause) {
    throw new ProtocolError('invalid_payload', 'the body is not valid UTF-8', { cause })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new ProtocolError('invalid_payload', 'the body is not JSON', { cause })
  }
  const isHandshake = v.is(HandshakeTypeSchema, json)
  const result = v.safeParse(isHandshake ? HandshakeSchema : NotificationSchema, json)
  if (result.success) return result.output
  const issues = describeIssues(result.issues)
  throw new ProtocolError(
    'invalid_payload',
    `the body is not a${isHandshake ? ' handshake' : 'n rh notification'} envelope (${issues})`,
    { cause: new v.ValiError(result.issues) },
  )
}
