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
  Message,
  MessagePage,
  MessageWithDeliveries,
  Notification,
  Problem,
  RedeliverRequest,
  RedeliverResponse,
  ReplayRequest,
  ReplayResponse,
  RotateSecretRequest,
  RotateSecretResponse,
  Subscription,
  SubscriptionMessagePage,
  SubscriptionPage,
  TestEventResponse,
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
  response_excerpt: '{"error":"database unavailable"}',
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

export const message = {
  id: 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J',
  event: 'post.created',
  created_at: '2025-01-31T12:05:00.000Z',
  payload: notification,
} satisfies Message

export const messageWithDeliveries = {
  ...message,
  deliveries: [
    {
      subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
      status: 'failed',
      attempts: 4,
      updated_at: '2025-01-31T12:06:05.000Z',
    },
  ],
} satisfies MessageWithDeliveries

export const messagePage = {
  data: [message],
  next_cursor: 'WyIgICIsIm1zZ18wMUpCOFg5QzdBMUIzQzVEN0U5RjFHM0g1SiJd',
} satisfies MessagePage

export const subscriptionMessagePage = {
  data: [messageWithDeliveries],
  next_cursor: null,
} satisfies SubscriptionMessagePage

export const redeliverRequest = {
  subscription_id: 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC',
} satisfies RedeliverRequest

export const redeliverResponse = { redelivered: 1 } satisfies RedeliverResponse

export const replayRequest = {
  since: '2025-01-31T12:00:00.000Z',
  until: '2025-01-31T14:00:00.000Z',
  status: 'failed',
} satisfies ReplayRequest

export const replayResponse = { replayed: 118 } satisfies ReplayResponse

export const rotateSecretRequest = { grace_seconds: 86400 } satisfies RotateSecretRequest

export const rotateSecretResponse = {
  secret: 'whsec_xNAA4n0ZK6SlsRbbTU8KtafQj2aA5Uk3bYXNWTkbPLI=',
  previous_secret_expires_at: '2025-02-01T12:00:00.000Z',
} satisfies RotateSecretResponse

export const testEventResponse = {
  id: 'atm_01JB8XA0F2G4H6J8K0M2N4P6Q8',
  message_id: 'msg_01JB8XA0F1A3B5C7D9E1F3G5H7',
  event: 'rh.ping',
  attempt: 1,
  outcome: 'delivered',
  response_status: 204,
  error: null,
  response_excerpt: null,
  duration_ms: 38,
  started_at: '2025-01-31T12:00:00.000Z',
} satisfies TestEventResponse

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

export const subscriptionInactiveProblem = {
  type: 'urn:rh:problem:subscription_inactive',
  title: 'Subscription inactive',
  status: 409,
  detail: 'The subscription is disabled: set its status to active first.',
  code: 'subscription_inactive',
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
