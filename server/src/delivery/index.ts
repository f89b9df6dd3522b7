export { type AttemptVerdict, classifyStatus } from './classify-response'
export { createDeliveryEngine } from './create-delivery-engine'
export { deliveryHeaders, USER_AGENT } from './delivery-headers'
export { type HandshakeContext, handshake } from './handshake'
export { describeNetworkError } from './network-error'
export { createResultsStream, type ResultsStream } from './results-stream'
export {
  defaultRetryPolicy,
  parseRetryAfter,
  type RetryPolicy,
  retryAfterStatuses,
  retryDelay,
} from './retry-policy'
export { createSigners, type Signers, type SigningOptions } from './signing'
export {
  type AbortHook,
  type AbortListener,
  decode,
  readCapped,
  type Transport,
  type TransportRequest,
  type TransportResponse,
} from './transport'
export {
  type CreateTransportOptions,
  createTransport,
  detectRuntime,
} from './transports/create-transport'
export { type FetchTransportOptions, fetchTransport } from './transports/fetch-transport'
export {
  type NodeHttpTransportOptions,
  nodeHttpTransport,
} from './transports/node-http-transport'
export { type UndiciTransportOptions, undiciTransport } from './transports/undici-transport'
export type {
  DeliveryEngine,
  DeliveryEngineOptions,
  DeliveryResult,
  NotifyReceipt,
} from './types'
