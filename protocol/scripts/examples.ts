/**
 * Example wire values shown in openapi.json (and PROTOCOL.md). The tests parse each with its
 * schema, so an example can never drift from the protocol.
 */
import type {
  Attempt,
  AttemptPage,
  CreateSubscription,
  Handshake,
  HandshakeResponse,
  LegacySubscribe,
  Notification,
  Problem,
  Subscription,
  SubscriptionPage,
  UpdateSubscription,
} from '../src/schemas/index'

export const createSubscription = {
  target_url: 'https://consumer.example/hooks/posts',
  events: ['post.created', 'post.deleted'],
  metadata: { team: 'editorial' },
} satisfies CreateSubscription

export const legacySubscribe = {
  event: 'post.created',
  target_url: 'https://consumer.example/hooks/posts',
} satisfies LegacySubscribe

export const updateSubscription = { status: 'paused' } satisfies UpdateSubscription

export const subscription = {
  id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
  events: ['post.created', 'post.deleted'],
  target_url: 'https://consumer.example/hooks/posts',
  status: 'active',
  metadata: { team: 'editorial' },
  created_at: '2025-01-31T12:00:00.000Z',
  updated_at: '2025-01-31T12:00:00.000Z',
} satisfies Subscription

export const createdSubscription = {
  ...subscription,
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5mUmNDA4ZCw=',
} satisfies Subscription

export const subscriptionPage = {
  data: [subscription],
  next_cursor: 'eyJpZCI6InN1Yl8wMUpCOFg2VDNRSDZXMlk5VjRLWlA3TTVSQyJ9',
} satisfies SubscriptionPage

export const attempt = {
  id: 'atm_01JB8X9D2M4N6P8Q0R2S4T6V8W',
  message_id: 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  event: 'post.created',
  attempt: 1,
  outcome: 'failed',
  response_status: 503,
  error: null,
  duration_ms: 212,
  started_at: '2025-01-31T12:05:00.000Z',
  next_attempt_at: '2025-01-31T12:05:05.000Z',
} satisfies Attempt

export const attemptPage = { data: [attempt], next_cursor: null } satisfies AttemptPage

export const notification = {
  type: 'post.created',
  timestamp: '2025-01-31T12:05:00.000Z',
  data: { id: 42, title: 'Hello' },
} satisfies Notification

export const handshake = {
  type: 'rh.handshake',
  timestamp: '2025-01-31T12:00:00.000Z',
  data: { challenge: 'b3Vc8JZr0kq2Yw5F1xN7tA', events: ['post.created', 'post.deleted'] },
} satisfies Handshake

export const handshakeResponse = { challenge: 'b3Vc8JZr0kq2Yw5F1xN7tA' } satisfies HandshakeResponse

export const invalidRequestProblem = {
  type: 'urn:rh:problem:invalid_request',
  title: 'Invalid request',
  status: 422,
  detail: 'The request body is invalid.',
  code: 'invalid_request',
  errors: [{ path: 'events.0', message: 'an event name must not be empty' }],
} satisfies Problem

export const notFoundProblem = {
  type: 'urn:rh:problem:not_found',
  title: 'Not found',
  status: 404,
  detail: 'No subscription sub_01JB8X6T3QH6W2Y9V4KZP7M5RC.',
  code: 'not_found',
} satisfies Problem

/**
 * A signing test vector (PROTOCOL.md, "Test vectors"): the headers of {@link notification}
 * delivered with {@link signingKeys}, serialised as `JSON.stringify(notification)`.
 */
export const signingKeys = {
  /** 32-byte HMAC key. */
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw5mUmNDA4ZCw=',
  /** Ed25519 seed 0x00..0x1f and its public key. */
  secretKey: 'whsk_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=',
  publicKey: 'whpk_A6EHv/POEL4dcN0Y50vAmWfk1jCbpQ1fHdyGZBJVMbg=',
}

export const webhookHeaders = {
  'content-type': 'application/json',
  'webhook-id': 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  'webhook-timestamp': '1738325100',
  'webhook-signature':
    'v1,rgBxhxdJ604nxBswcH0SORJHY6zS3QmMaH5qYvgm7js= v1a,aF5DjDb8PG73iWwF39GzmbsdZN3tckn1jCTQ+8/yWG+rNJ+rcVcuhpaTdPTLKhzvNSdLRBOq0tpNtlqN6rCNBw==',
}
