import type { Resolve } from '../../ssrf/guard-target'
import type { Transport } from '../transport'
import { fetchTransport } from './fetch-transport'
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
 * - Bun, Deno and others: {@link fetchTransport}, native fetch pooling, addresses checked by a
 *   resolution right before each request (a rebinding within that window is not caught).
 *
 * @example
 * const transport = createTransport({ allowPrivateTargets: false })
 */
export function createTransport(options: CreateTransportOptions = {}): Transport {
  const common = {
    ...(options.allowPrivateTargets ? { allowPrivateTargets: true } : {}),
    resolve: options.resolve,
  }
  if (detectRuntime() === 'node') {
    return undiciTransport({
      ...common,
      ...(options.connections ? { connections: options.connections } : {}),
    })
  }
  return fetchTransport(common)
}
