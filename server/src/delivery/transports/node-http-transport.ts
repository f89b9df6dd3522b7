import type { Resolve } from '../../ssrf/guard-target'
import { decode, type Transport } from '../transport'
import { guardedLookup, readNodeBody, refused, targetCache } from './guarded-lookup'

/** Options of {@link nodeHttpTransport}. */
export interface NodeHttpTransportOptions {
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** DNS used when connecting; default `node:dns` `lookup`. */
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. Default 8. */
  connections?: number
}

interface Loaded {
  http: typeof import('node:http')
  https: typeof import('node:https')
  httpAgent: import('node:http').Agent
  httpsAgent: import('node:https').Agent
}

/**
 * A {@link Transport} on `node:http` / `node:https` with keep-alive agents: the default on Bun
 * and Deno, whose `node:http` connects through a custom `lookup` (verified by this transport's
 * tests on Node, Bun and Deno). Redirects are never followed.
 *
 * SSRF guarantee: the socket connects through a `lookup` that checks every address the hostname
 * resolves to, at connection time, and IP-literal URLs are checked before connecting. The address
 * checked is the address connected to, so DNS rebinding cannot slip through. TLS still verifies
 * the certificate against the URL's hostname.
 *
 * Cost: on Bun about a third fewer requests per second than Bun's native `fetch` (~31k vs ~47k
 * on a 2-core machine); on Deno it is on par or faster. Pass `transport: fetchTransport()` to
 * trade the rebinding check for speed.
 *
 * @example
 * const transport = nodeHttpTransport({ connections: 16 })
 * await transport.close?.()
 */
export function nodeHttpTransport(options: NodeHttpTransportOptions = {}): Transport {
  const lookup = guardedLookup(options)
  const targets = targetCache(options.allowPrivateTargets ?? false)
  const encoder = new TextEncoder()

  // Loaded once; afterwards an attempt starts without awaiting the modules.
  let loaded: Loaded | undefined
  let loading: Promise<Loaded> | undefined
  const load = () => {
    loading ??= Promise.all([import('node:http'), import('node:https')]).then(([http, https]) => {
      const agentOptions = { keepAlive: true, maxSockets: options.connections ?? 8, lookup }
      loaded = {
        http,
        https,
        httpAgent: new http.Agent(agentOptions),
        httpsAgent: new https.Agent(agentOptions),
      }
      return loaded
    })
    return loading
  }

  const transport: Transport = async (request) => {
    const target = targets(request.url)
    if (target.refusal) throw refused(target.refusal)
    const { http, https, httpAgent, httpsAgent } = loaded ?? (await load())
    const secure = target.url.protocol === 'https:'
    const body = encoder.encode(request.body)
    const { signal } = request
    signal.throwIfAborted()
    let outgoing: import('node:http').ClientRequest | undefined
    let response: import('node:http').IncomingMessage | undefined
    // The signal is handled here rather than through `request({ signal })`: Deno does not reject
    // a request still queued for an agent's socket when its signal aborts.
    let onAbort = () => {}
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        reject(signal.reason)
        outgoing?.destroy()
        response?.destroy()
      }
      signal.addEventListener('abort', onAbort, { once: true })
    })
    aborted.catch(() => {})
    let read: Awaited<ReturnType<typeof readNodeBody>>
    try {
      response = await Promise.race([
        aborted,
        new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
          outgoing = (secure ? https : http).request(
            target.url,
            {
              method: 'POST',
              headers: { ...request.headers, 'content-length': String(body.byteLength) },
              agent: secure ? httpsAgent : httpAgent,
              lookup,
            },
            resolve,
          )
          outgoing.on('error', reject)
          outgoing.end(body)
        }),
      ])
      read = await Promise.race([aborted, readNodeBody(response, request.maxResponseBytes)])
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
    const headers: Record<string, string> = {}
    const raw = response.headers
    for (const name in raw) {
      const value = raw[name]
      if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ')
    }
    return {
      status: response.statusCode ?? 0,
      headers,
      bodyText: decode(read.chunks, read.bytesRead),
      bytesRead: read.bytesRead,
      truncated: read.truncated,
    }
  }
  transport.close = async () => {
    const agents = loading ? await loading.catch(() => undefined) : undefined
    agents?.httpAgent.destroy()
    agents?.httpsAgent.destroy()
  }
  return transport
}
