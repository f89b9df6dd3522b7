import type { LookupAddress, LookupOptions } from 'node:dns'
import { addressRefusal } from '../../ssrf/address-refusal'
import { ipLiteralOf, type Resolve } from '../../ssrf/guard-target'
import { parseIp } from '../../ssrf/parse-ip'
import { TARGET_REFUSED } from '../network-error'
import { decode, type Transport } from '../transport'

/** Options of {@link undiciTransport}. */
export interface UndiciTransportOptions {
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** DNS used when connecting; default `node:dns` `lookup`. */
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. Default 8. */
  connections?: number
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

const refused = (message: string) => Object.assign(new Error(message), { code: TARGET_REFUSED })

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
  function lookup(hostname: string, lookupOptions: LookupOptions, callback: LookupCallback) {
    const found: Promise<LookupAddress[]> = options.resolve
      ? options
          .resolve(hostname)
          .then((list) =>
            list.map((address) => ({ address, family: parseIp(address)?.version ?? 4 })),
          )
      : import('node:dns').then((dns) =>
          dns.promises.lookup(hostname, { ...lookupOptions, all: true }),
        )
    found.then(
      (addresses) => {
        if (!options.allowPrivateTargets) {
          for (const { address } of addresses) {
            const why = addressRefusal(address)
            if (why) {
              callback(refused(`target refused: ${hostname} resolved to ${address}, ${why}`), [])
              return
            }
          }
        }
        const first = addresses[0]
        if (!first) callback(refused(`target refused: ${hostname} does not resolve`), [])
        else if (lookupOptions.all) callback(null, addresses)
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    )
  }

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
    const body = await readBody(response.body, request.maxResponseBytes)
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

interface Target {
  /** Parsed once: undici takes the URL object as is. */
  url: URL
  /** Why an IP-literal target is refused before connecting, or `null`. */
  refusal: string | null
}

/** Parses and judges each target URL once (a bounded memo: targets repeat across attempts). */
function targetCache(allowPrivateTargets: boolean): (target: string) => Target {
  const known = new Map<string, Target>()
  return (target) => {
    let found = known.get(target)
    if (!found) {
      const url = new URL(target)
      let refusal: string | null = null
      if (!allowPrivateTargets) {
        const literal = ipLiteralOf(url)
        const why = literal === undefined ? null : addressRefusal(literal)
        if (why) refusal = `target refused: ${literal} is ${why}`
      }
      found = { url, refusal }
      if (known.size >= 10_000) known.clear()
      known.set(target, found)
    }
    return found
  }
}

interface BodyRead {
  chunks: Uint8Array[]
  bytesRead: number
  truncated: boolean
}

/**
 * Reads at most `limit` bytes of a response body, then destroys it (nothing more is read).
 * Listens to the stream's events: cheaper than an async iterator per attempt.
 */
function readBody(body: import('node:stream').Readable, limit: number): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const read: BodyRead = { chunks: [], bytesRead: 0, truncated: false }
    body.on('data', (chunk: Uint8Array) => {
      if (read.truncated) return
      const room = limit - read.bytesRead
      if (chunk.byteLength > room) {
        read.chunks.push(chunk.subarray(0, room))
        read.bytesRead = limit
        read.truncated = true
        resolve(read)
        body.destroy()
        return
      }
      read.chunks.push(chunk)
      read.bytesRead += chunk.byteLength
    })
    body.on('end', () => resolve(read))
    body.on('error', (error) => {
      if (!read.truncated) reject(error)
    })
  })
}
