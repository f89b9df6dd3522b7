import { guardTarget, type Resolve } from '../../ssrf/guard-target'
import { readCapped, type Transport } from '../transport'
import { refused } from './guarded-lookup'

const httpUrl = /^https?:\/\//i

/** Options of {@link fetchTransport}. */
export interface FetchTransportOptions {
  /** Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** DNS used for the address check. */
  resolve?: Resolve | undefined
}

/**
 * A {@link Transport} on `fetch` with `redirect: 'manual'`: the default on runtimes other than
 * Node, Bun and Deno. On Bun and Deno, `createTransport` sends IP-literal targets with it (checked
 * beforehand, with its own check off), since their fetch is their fastest client.
 *
 * SSRF guarantee: before each request the hostname is resolved and every address checked, so a
 * target that resolves to a private address is refused before any connection. `fetch` then
 * resolves the name again itself, so a DNS server that answers differently within that short
 * window (rebinding) is not caught: on Node the undici transport closes that gap.
 *
 * @example
 * const engine = createDeliveryEngine({ ...options, transport: fetchTransport() })
 */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  return async (request) => {
    if (!options.allowPrivateTargets) await guardTarget(request.url, { resolve: options.resolve })
    // guardTarget checks the scheme; without it, keep fetch off `file:` (Bun) and `data:` URLs.
    else if (!httpUrl.test(request.url))
      throw refused(`target refused: ${request.url} is not http(s)`)
    const response = await doFetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      redirect: 'manual',
    })
    const headers: Record<string, string> = {}
    response.headers.forEach((value, name) => {
      // Headers joins repeated fields, except set-cookie: join it as node:http's transports do.
      const seen = headers[name]
      headers[name] = seen === undefined ? value : `${seen}, ${value}`
    })
    const body = await readCapped(response.body, request.maxResponseBytes)
    return {
      status: response.status,
      headers,
      bodyText: body.text,
      bytesRead: body.bytesRead,
      truncated: body.truncated,
    }
  }
}
