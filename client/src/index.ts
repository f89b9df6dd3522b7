/**
 * @module @rh/client — manage REST Hooks subscriptions on an rh server, and verify and receive
 * the webhooks it sends.
 */

export type { Filter, FilterCondition, FilterScalar } from '@rh/protocol'
export * from './client-error'
export * from './create-client'
export * from './create-receiver'
export * from './gone'
export * from './memory-dedupe'
export {
  type HandshakeWebhook,
  type SafeVerifyResult,
  safeVerify,
  type VerifyOptions,
  verify,
  type Webhook,
  type WebhookInput,
  type WebhookMeta,
} from './verify'
