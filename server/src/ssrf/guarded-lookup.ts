import type { LookupAddress, LookupOptions } from 'node:dns'
import { addressRefusal } from './address-refusal'
import type { Resolve } from './guard-target'
import { parseIp } from './parse-ip'
import { refused } from './refused'

/** Options of {@link guardedLookup}. */
export interface GuardedLookupOptions {
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean | undefined
  /** DNS to use; default `node:dns` `lookup`. */
  resolve?: Resolve | undefined
}

/** The callback of a `node:dns`-style `lookup`. */
export type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void

/** A `node:dns`-style `lookup`, as `net.connect`, undici and `node:http` take it. */
export type Lookup = (hostname: string, options: LookupOptions, callback: LookupCallback) => void

/**
 * A connect-time `lookup` that resolves the hostname and refuses it when ANY address it resolves
 * to is not global: the addresses it checks are the addresses the socket connects to, so a DNS
 * answer that changes between a check and the connection (rebinding) cannot slip through.
 * IP literals never reach a `lookup`: check them before connecting (`judgeTarget`).
 *
 * @example
 * new undici.Agent({ connect: { lookup: guardedLookup({}) } })
 * http.request(url, { lookup: guardedLookup({ resolve }) })
 */
export function guardedLookup(options: GuardedLookupOptions): Lookup {
  return (hostname, lookupOptions, callback) => {
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
        else if (lookupOptions?.all) callback(null, addresses)
        else callback(null, first.address, first.family)
      },
      (error: NodeJS.ErrnoException) => callback(error, []),
    )
  }
}
