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
  const undici = import('undici')
  let agent: Promise<import('undici').Agent> | undefined

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

  const transport: Transport = async (request) => {
    const url = new URL(request.url)
    if (!options.allowPrivateTargets) {
      const literal = ipLiteralOf(url)
      const why = literal === undefined ? null : addressRefusal(literal)
      if (why) throw refused(`target refused: ${literal} is ${why}`)
    }
    const { Agent, request: send } = await undici
    agent ??= Promise.resolve(
      new Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 4000,
        connect: { lookup },
      }),
    )
    const response = await send(url, {
      dispatcher: await agent,
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
    })
    const chunks: Uint8Array[] = []
    let bytesRead = 0
    let truncated = false
    for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
      const room = request.maxResponseBytes - bytesRead
      if (chunk.byteLength > room) {
        chunks.push(chunk.subarray(0, room))
        bytesRead += room
        truncated = true
        break // ends the iteration, which destroys the body: nothing more is read
      }
      chunks.push(chunk)
      bytesRead += chunk.byteLength
    }
    const headers: Record<string, string> = {}
    for (const [name, value] of Object.entries(response.headers)) {
      if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value
    }
    return {
      status: response.statusCode,
      headers,
      bodyText: decode(chunks, bytesRead),
      bytesRead,
      truncated,
    }
  }
  transport.close = async () => {
    if (agent) await (await agent).close()
  }
  return transport
}
