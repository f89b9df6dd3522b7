import { guardedLookup } from '../../ssrf/guarded-lookup'
import type { JudgedTarget } from '../../ssrf/judge-target'
import {
  type BodyRead,
  decode,
  readNodeBody,
  type Transport,
  type TransportResponse,
} from '../transport'
import { judgedTransport, type Sender } from './judged-transport'
import type { UndiciTransportOptions } from './undici-transport'

/** Options of {@link nodeHttpTransport}: those of `undiciTransport`, with the same defaults. */
export type NodeHttpTransportOptions = UndiciTransportOptions

interface Loaded {
  http: typeof import('node:http')
  https: typeof import('node:https')
  httpAgent: import('node:http').Agent
  httpsAgent: import('node:https').Agent
}

/** What node:http needs of a target, worked out once per target. */
interface Origin {
  protocol: string
  hostname: string
  port: number | undefined
  path: string
}

/**
 * A {@link Transport} on `node:http` / `node:https` with keep-alive agents: on Bun and Deno, the
 * default for hostname targets (`createTransport`), since their `node:http` connects through a
 * custom `lookup` (verified by this transport's tests on Node, Bun and Deno). Redirects are never
 * followed.
 *
 * SSRF guarantee: the socket connects through a `lookup` that checks every address the hostname
 * resolves to, at connection time, and IP-literal URLs are checked before connecting. The address
 * checked is the address connected to, so DNS rebinding cannot slip through. TLS still verifies
 * the certificate against the URL's hostname.
 *
 * Cost, alone, 64 in flight to a local receiver (2-core machine): on Bun about 15 % fewer
 * requests per second than Bun's native `fetch`, on Deno on par or faster than Deno's.
 *
 * @example
 * const transport = nodeHttpTransport({ connections: 16 })
 * await transport.close?.()
 */
export function nodeHttpTransport(options: NodeHttpTransportOptions = {}): Transport {
  const { send, close } = nodeHttpSender(options)
  return judgedTransport(send, { allowPrivateTargets: options.allowPrivateTargets, close })
}

/**
 * The sending half of {@link nodeHttpTransport}, for a target already judged (also the hostname
 * half of `splitTransport`), and how to release its agents.
 *
 * @example
 * const { send, close } = nodeHttpSender({ connections: 8 })
 */
export function nodeHttpSender(options: NodeHttpTransportOptions = {}): {
  send: Sender
  close: () => Promise<void>
} {
  const lookup = guardedLookup(options)
  const origins = new WeakMap<JudgedTarget, Origin>()
  const originOf = (target: JudgedTarget): Origin => {
    const url = target.url as URL
    const origin = {
      protocol: url.protocol,
      // node:http takes an IPv6 literal without its brackets.
      hostname: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
      port: url.port === '' ? undefined : Number(url.port),
      path: `${url.pathname}${url.search}`,
    }
    origins.set(target, origin)
    return origin
  }

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

  const send: Sender = async (request, target) => {
    const { http, https, httpAgent, httpsAgent } = loaded ?? (await load())
    const { signal } = request
    signal.throwIfAborted()
    const to = origins.get(target) ?? originOf(target)
    const secure = to.protocol === 'https:'
    // One promise for the whole exchange, settled by the response's end, an error or the signal.
    // The signal is handled here rather than through `request({ signal })`: Deno does not reject
    // a request still queued for an agent's socket when its signal aborts.
    return new Promise<TransportResponse>((resolve, reject) => {
      let response: import('node:http').IncomingMessage | undefined
      const fail = (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      }
      const onAbort = () => {
        fail(signal.reason)
        outgoing.destroy()
        response?.destroy()
      }
      // An options object, not the URL: no URL-to-options conversion per request. The body goes
      // to `end` whole, so node:http sets its Content-Length and sends it with the headers.
      const outgoing = (secure ? https : http).request(
        {
          protocol: to.protocol,
          hostname: to.hostname,
          port: to.port,
          path: to.path,
          method: 'POST',
          headers: request.headers,
          agent: secure ? httpsAgent : httpAgent,
          lookup,
        },
        (incoming) => {
          response = incoming
          readNodeBody(incoming, request.maxResponseBytes).then((read) => {
            if (signal.aborted) return
            signal.removeEventListener('abort', onAbort)
            resolve(responseOf(incoming, read))
          }, fail)
        },
      )
      signal.addEventListener('abort', onAbort, { once: true })
      outgoing.on('error', fail)
      outgoing.end(request.body)
    })
  }
  const close = async () => {
    const agents = loading ? await loading.catch(() => undefined) : undefined
    agents?.httpAgent.destroy()
    agents?.httpsAgent.destroy()
  }
  return { send, close }
}

function responseOf(response: import('node:http').IncomingMessage, read: BodyRead) {
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
