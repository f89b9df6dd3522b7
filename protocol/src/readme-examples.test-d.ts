/**
 * The code samples of protocol/README.md, checked by `tsc` (never run): each section is one
 * function, so the samples stay true to the API. Keep them in step with the README.
 */
import * as v from 'valibot'
import {
  type CreateSubscription,
  CreateSubscriptionSchema,
  createSigner,
  createVerifier,
  DEFAULT_RETRY_SCHEDULE,
  generateKeyPair,
  generateSecret,
  HANDSHAKE_EVENT,
  MAX_REQUEST_BODY_BYTES,
  NotificationSchema,
  ProtocolError,
  problemCodes,
  problemType,
  SubscriptionPageSchema,
  safeVerify,
  sign,
} from './index'

declare const newSecret: string
declare const currentSecret: string
declare const previousSecret: string
declare const response: Response

export async function intro() {
  const secret = generateSecret() // 'whsec_…', 32 random bytes
  const body = JSON.stringify({
    type: 'post.created',
    timestamp: new Date().toISOString(),
    data: {},
  })
  const id = 'msg_2mX9yq4GhT1aZ0bK'
  const timestamp = Math.floor(Date.now() / 1000)
  const signature = await sign(secret, { id, timestamp, body }) // 'v1,…'

  const verifier = createVerifier(secret)
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  }
  await verifier.verify(body, headers) // { id, timestamp }, or throws a ProtocolError
  return { id, timestamp, body, headers, secret, verifier }
}

export async function signing() {
  const { id, timestamp, body } = await intro()
  // One key, or several while rotating: every key signs, receivers accept any match.
  const signer = createSigner(['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', newSecret])
  const header = await signer.sign({ id, timestamp, body }) // 'v1,… v1,…'

  // Asymmetric: the sender keeps whsk_, receivers get whpk_.
  const { secretKey, publicKey } = await generateKeyPair()
  const edSigner = createSigner(secretKey) // 'v1a,…'
  return { header, publicKey, edSigner }
}

export async function verifying() {
  const { body, headers, secret } = await intro()
  const verifier = createVerifier([currentSecret, previousSecret], { tolerance: 300 })

  async function receive(request: Request): Promise<Response> {
    const body = await request.text() // verify the raw bytes, before any JSON.parse
    const result = await verifier.safeVerify(body, request.headers)
    if (!result.success) return Response.json({ code: result.error.code }, { status: 401 })
    const { id } = result.output // the webhook-id: your idempotency key
    void id
    return new Response(null, { status: 204 })
  }

  // One-off, without keeping a verifier:
  const once = await safeVerify(secret, body, headers)
  return { receive, once }
}

export async function errors() {
  const { body, headers, verifier } = await intro()
  try {
    await verifier.verify(body, headers)
  } catch (error) {
    if (error instanceof ProtocolError && error.code === 'timestamp_too_old')
      console.warn('replay?')
    else throw error
  }
}

export async function schemas() {
  const { body } = await intro()
  const input: CreateSubscription = {
    target_url: 'https://me.example/hooks',
    events: ['post.created'],
  }
  const checked = v.safeParse(CreateSubscriptionSchema, input) // { success, output | issues }

  const page = v.parse(SubscriptionPageSchema, await response.json()) // { data, next_cursor }
  const notification = v.parse(NotificationSchema, JSON.parse(body)) // { type, timestamp, data }
  if (notification.type === HANDSHAKE_EVENT) console.log('intent verification')
  return { checked, page }
}

export function problems() {
  return [
    problemCodes.target_refused, // { status: 422, title: 'Target URL refused' }
    problemType('target_refused'), // 'urn:rh:problem:target_refused'
    MAX_REQUEST_BODY_BYTES, // 65536: a larger API request is 413
    DEFAULT_RETRY_SCHEDULE, // { retries: 3, initialDelay: 5000, factor: 3, ... }
  ] as const
}
