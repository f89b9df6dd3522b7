import type { Transport } from '../transport'
import { fetchSender } from './fetch-transport'
import { judgedTransport } from './judged-transport'
import { type NodeHttpTransportOptions, nodeHttpSender } from './node-http-transport'

/** Options of {@link splitTransport}. */
export interface SplitTransportOptions extends NodeHttpTransportOptions {
  /** The fetch IP-literal targets are sent with. Default `globalThis.fetch`. */
  fetch?: typeof fetch | undefined
}

/**
 * The default on Bun and Deno: each target goes to the fastest client that still checks the
 * address connected to.
 * - An IP-literal target (`https://1.1.1.1/`, `https://[2606:4700:4700::1111]/`) involves no
 *   DNS, so it cannot be rebound: it is checked here, before connecting, and sent with the
 *   runtime's native `fetch`, its fastest client.
 * - A hostname goes through {@link nodeHttpTransport}, whose connect-time `lookup` checks every
 *   address the socket connects to (DNS rebinding is caught). So does every target when address
 *   checks are off but a custom `resolve` is given, since fetch would ignore it; with checks off
 *   and the system DNS, every target takes fetch.
 *
 * Both never follow redirects and read at most `maxResponseBytes`; keep-alive connections per
 * origin are bounded by the engine's `perHost` concurrency on the fetch side and by
 * `connections` on the `node:http` side.
 *
 * @example
 * const transport = splitTransport({ connections: 8 })
 * await transport(request) // 127.0.0.1 refused; 1.1.1.1 by fetch; example.com by node:http
 */
export function splitTransport(options: SplitTransportOptions = {}): Transport {
  const allowPrivateTargets = options.allowPrivateTargets ?? false
  // Only literals (judged already: the judge's verdict is the whole address check) or any
  // target with checks off take fetch, so its own check (a DNS lookup per request) is off.
  const direct = fetchSender({ allowPrivateTargets: true, fetch: options.fetch })
  const guarded = nodeHttpSender(options)
  const anyTarget = allowPrivateTargets && options.resolve === undefined
  return judgedTransport(
    (request, target) =>
      target.literal || anyTarget ? direct(request, target) : guarded.send(request, target),
    { allowPrivateTargets, close: guarded.close },
  )
}
