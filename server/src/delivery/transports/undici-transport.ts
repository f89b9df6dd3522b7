import type { Resolve } from '../../ssrf/guard-target'
import { decode, type Transport } from '../transport'
import { guardedLookup, readNodeBody, refused } from './guarded-lookup'
import { targetCache } from './target-cache'

/** Options of {@link undiciTransport}. */
export interface UndiciTransportOptions {
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** DNS used when connecting; default `node:dns` `lookup`. */
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. Default 8. */
  connections?: number
}

/**
 * A {@link Transport} on undici's `request` with a keep-alive `Agent`: the default and fast path
 * on Node. Redirects are never followed (undici does not follow them without an interceptor).
 *
 * SSRF guarantee: the Agent connects through a `lookup` that checks every address a hostname
 * resolves to, at connection time, and IP-literal URLs are checked before connecting. The
 * address checked is the address connected to, so DNS rebinding cannot slip through.
 *
 * @example
 * const transport = undiciTransport({ connections: 16 })
 * await transport.close?.()
 */
export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  const lookup = guardedLookup(options)

  // Loaded once; afterwards an attempt starts without awaiting the module or the agent.
  let send: typeof import('undici').request | undefined
  let agent: import('undici').Agent | undefined
  let loading: Promise<void> | undefined
  const load = () => {
    loading ??= import('undici').then((undici) => {
      agent = new undici.Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 4000,
        pipelining: 1,
        connect: { lookup },
      })
      send = undici.request
    })
    return loading
  }
  const targets = targetCache(options.allowPrivateTargets ?? false)

  const transport: Transport = async (request) => {
    const target = targets(request.url)
    if (target.refusal) throw refused(target.refusal)
    if (!send || !agent) await load()
    const response = await (send as typeof import('undici').request)(target.url, {
      dispatcher: agent as import('undici').Agent,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    })
    const body = await readNodeBody(response.body, request.maxResponseBytes)
    const headers: Record<string, string> = {}
    const raw = response.headers
    for (const name in raw) {
      const value = raw[name]
      if (value !== undefined) headers[name] = typeof value === 'string' ? value : value.join(', ')
    }
    return {
      status: response.statusCode,
      headers,
      bodyText: decode(body.chunks, body.bytesRead),
      bytesRead: body.bytesRead,
      truncated: body.truncated,
    }
  }
  transport.close = async () => {
    if (loading) await loading.catch(() => {})
    await agent?.close()
  }
  return transport
}
