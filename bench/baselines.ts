import type { BenchPayload } from './payload'
import { runtimeInfo } from './runtime'
import { type Throughput, timeLoop } from './throughput'

/** What every baseline loop sends, and how. */
export interface BaselineOptions {
  /** Target URLs, used round-robin (one per receiver port). */
  urls: string[]
  requests: number
  inFlight: number
  payload: BenchPayload
  /** Keep-alive connections per origin. Default `inFlight` divided by the number of URLs. */
  connections?: number
}

/**
 * The Node ceiling: a loop of undici's `request` through a keep-alive pool per origin, the same
 * headers and body as rh (signed once, not per request: the baseline does less work than rh).
 *
 * @example
 * const figure = await undiciBaseline({ urls: [url], requests: 500, inFlight: 64, payload })
 */
export async function undiciBaseline(options: BaselineOptions): Promise<Throughput> {
  const { Agent, request } = await import('undici')
  const connections = options.connections ?? Math.ceil(options.inFlight / options.urls.length)
  const agent = new Agent({ connections, keepAliveTimeout: 10_000 })
  const { urls, payload } = options
  try {
    return await timeLoop('undici request', options.requests, options.inFlight, async (i) => {
      const response = await request(urls[i % urls.length] as string, {
        dispatcher: agent,
        method: 'POST',
        headers: payload.headers,
        body: payload.body,
      })
      await response.body.dump()
      if (response.statusCode !== 204) throw new Error(`receiver answered ${response.statusCode}`)
    })
  } finally {
    await agent.close()
  }
}

/**
 * The runtime's global `fetch` in the same loop: the baseline on Bun and Deno, a reference on
 * Node (where it is undici's fetch, slower than `request`).
 *
 * @example
 * const figure = await fetchBaseline({ urls: [url], requests: 500, inFlight: 64, payload })
 */
export async function fetchBaseline(options: BaselineOptions): Promise<Throughput> {
  const { urls, payload } = options
  return timeLoop('global fetch', options.requests, options.inFlight, async (i) => {
    const response = await fetch(urls[i % urls.length] as string, {
      method: 'POST',
      headers: payload.headers,
      body: payload.body,
    })
    await response.arrayBuffer()
    if (response.status !== 204) throw new Error(`receiver answered ${response.status}`)
  })
}

/**
 * The baseline of this runtime: {@link undiciBaseline} on Node, {@link fetchBaseline} on Bun and
 * Deno (their `undici` is a shim over their fetch).
 *
 * @example
 * const figure = await runtimeBaseline()({ urls, requests: 500, inFlight: 64, payload })
 */
export function runtimeBaseline(): (options: BaselineOptions) => Promise<Throughput> {
  return runtimeInfo().runtime === 'node' ? undiciBaseline : fetchBaseline
}
