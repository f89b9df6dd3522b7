/**
 * @module @rh/server/transports — how deliveries and handshakes are sent. `createResthooks`
 * picks the best for the runtime (`createTransport`); pass your own `transport` to wrap or
 * replace it (logging, a proxy, tests). Every transport here never follows redirects, reads at
 * most `maxResponseBytes` of a response, and checks at connect time the address a hostname
 * resolves to.
 */
export type { JudgedTarget } from '../../ssrf/judge-target'
export type {
  AbortHook,
  AbortListener,
  Transport,
  TransportRequest,
  TransportResponse,
} from '../transport'
export { type CreateTransportOptions, createTransport } from './create-transport'
export { type FetchTransportOptions, fetchTransport } from './fetch-transport'
export { type NodeHttpTransportOptions, nodeHttpTransport } from './node-http-transport'
export { type UndiciTransportOptions, undiciTransport } from './undici-transport'
