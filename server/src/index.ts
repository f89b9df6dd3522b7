/**
 * @module @rh/server — a REST Hooks server: the subscription API as a fetch handler
 * (`createResthooks`), signed deliveries with retries, and the default in-memory store and queue.
 */
export type { FieldIssue } from '@rh/protocol'
export { type Clock, systemClock } from './clock'
export {
  createResthooks,
  type EventName,
  type Resthooks,
  type ResthooksOptions,
} from './create-resthooks'
export type { RetryPolicy } from './delivery/retry-policy'
export type { SigningOptions } from './delivery/signing'
export type { DeliveryResult, NotifyReceipt } from './delivery/types'
export { ResthooksError } from './errors'
export type { Authenticate } from './handler/create-handler'
export type { AttemptRecord, DeliveryJob, DeliveryQueue } from './queue/delivery-queue'
export { type MemoryQueueOptions, memoryQueue } from './queue/memory-queue'
export type { Resolve } from './ssrf/guard-target'
export { memoryStore } from './store/memory-store'
export type {
  DeliveryOutcome,
  ListQuery,
  Page,
  StoredSubscription,
  SubscriptionPatch,
  SubscriptionStatus,
  SubscriptionStore,
} from './store/subscription-store'

/** The version of @rh/server. */
export const version = '0.1.0'
