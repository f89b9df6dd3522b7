import type { Resolve } from '../../ssrf/guard-target'
import type { Transport } from '../transport'
import { fetchTransport } from './fetch-transport'
import { splitTransport } from './split-transport'
import { undiciTransport } from './undici-transport'

/** Options of {@link createTransport}. */
export interface CreateTransportOptions {
  allowPrivateTargets?: boolean
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. */
  connections?: number
  /** The fetch that sends where fetch does (IP literals on Bun and Deno; other runtimes). */
  fetch?: typeof fetch | undefined
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
 * - Bun and Deno: {@link splitTransport}: IP-literal targets (no DNS, nothing to rebind) checked
 *   before connecting and sent with the runtime's native fetch; hostnames through
 *   `nodeHttpTransport`, whose `node:http` keep-alive agents check every address at connect time
 *   through the same `lookup` (no DNS rebinding).
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
    return splitTransport({ ...common, ...connections, fetch: options.fetch })
  return fetchTransport({ ...common, fetch: options.fetch })
}
