/**
 * @module @rh/server — a REST Hooks server: the subscription API as a fetch handler
 * (`createResthooks`), signed deliveries with retries (`retrySchedules`), the message log with
 * recovery (`rh.recovery`: redeliver, replay, secret rotation, test events), and the default
 * in-memory store and queue.
 */
export type { FieldIssue } from '@rh/protocol'
export { type Clock, systemClock } from './clock'
export {
  createResthooks,
  type EventName,
  type Resthooks,
  type ResthooksOptions,
} from './create-resthooks'
export {
  type DeliveryExhaustedEvent,
  type OperationalEvent,
  operationalEventTypes,
  type SubscriptionDisabledEvent,
  type SubscriptionFailingEvent,
} from './delivery/operational-events'
export type { RetryPolicy } from './delivery/retry-policy'
export { retrySchedules } from './delivery/retry-schedules'
export type { SigningOptions } from './delivery/signing'
export type { DeliveryResult, NotifyOptions, NotifyReceipt } from './delivery/types'
export { ResthooksError } from './errors'
export type { Authenticate } from './handler/create-handler'
export type {
  AttemptRecord,
  DeliveryJob,
  DeliveryQueue,
  NotifyTransaction,
  SqlExecutor,
} from './queue/delivery-queue'
export { type MemoryQueueOptions, memoryQueue } from './queue/memory-queue'
export type {
  DeliveryRecord,
  DeliveryStatus,
  FinalStatus,
  MessageForSubscription,
  MessageLog,
  MessageQuery,
  MessageRecord,
  MessageWithDeliveries,
  ReplayQuery,
} from './queue/message-log'
export type { Recovery, TestAttempt } from './recovery/recovery'
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
export {
  type MeterLike,
  type PrometheusMetrics,
  prometheusMetrics,
  type SubscriptionCounts,
  type TelemetryOptions,
  type TracerLike,
} from './telemetry/index'

/** The version of @rh/server. */
export const version = '0.1.0'
