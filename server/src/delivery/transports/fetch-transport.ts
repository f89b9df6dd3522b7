import { guardHostname, type Resolve } from '../../ssrf/guard-target'
import { readCapped, type Transport } from '../transport'
import { judgedTransport, type Sender } from './judged-transport'

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
 * Node, Bun and Deno. On Bun and Deno, `createTransport` sends IP-literal targets with it (judged
 * beforehand), since their fetch is their fastest client.
 *
 * SSRF guarantee: an IP literal is judged before connecting; before each request to a hostname,
 * the name is resolved and every address checked, so a target that resolves to a private address
 * is refused before any connection. `fetch` then resolves the name again itself, so a DNS server
 * that answers differently within that short window (rebinding) is not caught: on Node the undici
 * transport closes that gap.
 *
 * @example
 * const engine = createDeliveryEngine({ ...options, transport: fetchTransport() })
 */
export function fetchTransport(options: FetchTransportOptions = {}): Transport {
  return judgedTransport(fetchSender(options), options)
}

/**
 * The sending half of {@link fetchTransport}, for a target already judged (also the IP-literal
 * half of `splitTransport`, where the judge's verdict is the whole address check).
 *
 * @example
 * const send = fetchSender({ allowPrivateTargets: true })
 */
export function fetchSender(options: FetchTransportOptions = {}): Sender {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  return async (request, target) => {
    if (!options.allowPrivateTargets && target.address === undefined)
      await guardHostname((target.url as URL).hostname, { resolve: options.resolve })
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
