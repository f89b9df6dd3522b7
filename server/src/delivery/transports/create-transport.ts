import type { Resolve } from '../../ssrf/guard-target'
import type { Transport } from '../transport'
import { fetchTransport } from './fetch-transport'
import { nodeHttpTransport } from './node-http-transport'
import { undiciTransport } from './undici-transport'

/** Options of {@link createTransport}. */
export interface CreateTransportOptions {
  allowPrivateTargets?: boolean
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. */
  connections?: number
}

/** Which runtime runs us: selects the transport. */
export function detectRuntime(): 'node' | 'bun' | 'deno' | 'other' {
  const global = globalThis as {
    Bun?: unknown
    Deno?: unknown
    process?: { versions?: { node?: string } }
  }
  if (global.Bun !== undefined) return 'bun'
  if (global.Deno !== undefined) return 'deno'
  if (global.process?.versions?.node) return 'node'
  return 'other'
}

/**
 * The best transport for the runtime:
 * - Node: {@link undiciTransport}, keep-alive pooling, addresses checked at connect time (no DNS
 *   rebinding).
 * - Bun and Deno: {@link nodeHttpTransport}, `node:http` keep-alive agents, addresses checked at
 *   connect time through the same `lookup` (no DNS rebinding). On Bun it is about a third slower
 *   than native fetch: pass `transport: fetchTransport()` to trade the rebinding check for speed.
 * - Other runtimes: {@link fetchTransport}, addresses checked by a resolution right before each
 *   request (a rebinding within that window is not caught).
 *
 * @example
 * const transport = createTransport({ allowPrivateTargets: false })
 */
export function createTransport(options: CreateTransportOptions = {}): Transport {
  const common = {
    ...(options.allowPrivateTargets ? { allowPrivateTargets: true } : {}),
    resolve: options.resolve,
  }
  const connections = options.connections ? { connections: options.connections } : {}
  const runtime = detectRuntime()
  if (runtime === 'node') return undiciTransport({ ...common, ...connections })
  if (runtime === 'bun' || runtime === 'deno')
    return nodeHttpTransport({ ...common, ...connections })
  return fetchTransport(common)
}
