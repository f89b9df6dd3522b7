import type { BenchPayload } from './payload'
import { runtimeInfo } from './runtime'
import { type Throughput, timeLoop } from './throughput'

/** What every baseline loop sends, and how. */
export interface BaselineOptions {
  /** Target URLs, used round-robin (one per receiver port). */
  urls: string[]
  inFlight: number
  payload: BenchPayload
  /** Keep-alive connections per origin. Default `inFlight` divided by the number of URLs. */
  connections?: number
}

/**
 * A plain HTTP client loop. Its connections outlive one `run`, as rh's do, so a warm-up run
 * opens them and the measured run reuses them.
 */
export interface Baseline {
  name: string
  /** Sends `requests` requests, `inFlight` at once, and times them. */
  run(requests: number): Promise<Throughput>
  close(): Promise<void>
}

/**
 * The Node ceiling: a loop of undici's `request` through a keep-alive pool per origin, the same
 * headers and body as rh (signed once, not per request: the baseline does less work than rh).
 *
 * @example
 * const baseline = await undiciBaseline({ urls: [url], inFlight: 64, payload })
 * const figure = await baseline.run(20_000)
 * await baseline.close()
 */
export async function undiciBaseline(options: BaselineOptions): Promise<Baseline> {
  const { Agent, request } = await import('undici')
  const connections = options.connections ?? Math.ceil(options.inFlight / options.urls.length)
  const agent = new Agent({ connections, keepAliveTimeout: 60_000 })
  const { urls, payload } = options
  const name = 'undici request'
  return {
    name,
    run: (requests) =>
      timeLoop(name, requests, options.inFlight, async (i) => {
        const response = await request(urls[i % urls.length] as string, {
          dispatcher: agent,
          method: 'POST',
          headers: payload.headers,
          body: payload.body,
        })
        await response.body.dump()
        if (response.statusCode !== 204) throw new Error(`receiver answered ${response.statusCode}`)
      }),
    close: () => agent.close(),
  }
}

/**
 * The runtime's global `fetch` in the same loop: the baseline on Bun and Deno, a reference on
 * Node (where it is undici's fetch, slower than `request`).
 *
 * @example
 * const baseline = await fetchBaseline({ urls: [url], inFlight: 64, payload })
 */
export async function fetchBaseline(options: BaselineOptions): Promise<Baseline> {
  const { urls, payload } = options
  const name = 'global fetch'
  return {
    name,
    run: (requests) =>
      timeLoop(name, requests, options.inFlight, async (i) => {
        const response = await fetch(urls[i % urls.length] as string, {
          method: 'POST',
          headers: payload.headers,
          body: payload.body,
        })
        await response.arrayBuffer()
        if (response.status !== 204) throw new Error(`receiver answered ${response.status}`)
      }),
    close: async () => {},
  }
}

/**
 * The baseline of this runtime: {@link undiciBaseline} on Node, {@link fetchBaseline} on Bun and
 * Deno (their `undici` is a shim over their fetch).
 *
 * @example
 * const baseline = await runtimeBaseline({ urls, inFlight: 64, payload })
 */
export function runtimeBaseline(options: BaselineOptions): Promise<Baseline> {
  return runtimeInfo().runtime === 'node' ? undiciBaseline(options) : fetchBaseline(options)
}
