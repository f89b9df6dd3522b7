import { ResthooksError } from '../errors'
import { addressRefusal } from './address-refusal'
import { formatIPv4, parseIPv4, parseIPv6 } from './parse-ip'

/** Resolves a hostname to every address it has (A and AAAA). */
export type Resolve = (hostname: string) => Promise<string[]>

/** Options of {@link guardTarget}. */
export interface GuardOptions {
  /** DNS resolution; default `node:dns` `lookup(hostname, { all: true })`. */
  resolve?: Resolve | undefined
  /** Turns the address checks off (local development, tests); scheme and credentials still apply. */
  allowPrivateTargets?: boolean | undefined
}

/** A target that passed the guard: the parsed URL and the addresses it was checked against. */
export interface GuardedTarget {
  url: URL
  /** The IP literal, or what the hostname resolved to (empty when address checks are off). */
  addresses: string[]
}

/** Hostnames refused without asking DNS: they name the machine itself or a metadata service. */
const refusedNames =
  /^(?:localhost|.*\.localhost|metadata|metadata\.google\.internal|instance-data)$/

/**
 * The hostname of a URL as an IP literal, in any spelling (`127.1`, `0x7f.1`, `2130706433`,
 * `[::ffff:7f00:1]`, trailing dot), or `undefined` for a DNS name.
 *
 * @example
 * ipLiteralOf(new URL('http://0177.0.0.1/')) // '127.0.0.1'
 */
export function ipLiteralOf(url: URL): string | undefined {
  const host = url.hostname
  if (host.startsWith('[')) return parseIPv6(host) ? host.slice(1, -1) : undefined
  // WHATWG URL already rewrites IPv4 spellings to dotted decimal; parse again in case a runtime
  // does not, so `0x7f.1` can never pass as a name.
  const v4 = parseIPv4(host)
  return v4 === undefined ? undefined : formatIPv4(v4)
}

const refuse = (detail: string) => new ResthooksError('target_refused', detail)

/** Added to a refusal of a private or local target: the usual case is local development. */
const PRIVATE_HINT =
  '; to deliver to local or private addresses (local development), create the server with allowPrivateTargets: true (rh serve --allow-private-targets)'

/**
 * Checks a webhook target before any connection: http(s) only, no credentials in the URL, and
 * (unless `allowPrivateTargets`) an address that is global unicast. An IP literal is judged in
 * every spelling; a hostname is resolved and refused if ANY of its addresses is not global.
 * Throws `ResthooksError('target_refused')` with the reason.
 *
 * This checks the name now; the delivery transports check the address they actually connect to
 * (see `createTransport`), so a DNS answer that changes later (rebinding) is caught there.
 *
 * @example
 * await guardTarget('https://hooks.example.com/rh', { resolve })
 * await guardTarget('http://169.254.169.254/latest') // throws target_refused
 */
export async function guardTarget(
  target: string,
  options: GuardOptions = {},
): Promise<GuardedTarget> {
  const url = checkUrl(target)
  if (options.allowPrivateTargets) return { url, addresses: [] }
  const literal = ipLiteralOf(url)
  if (literal !== undefined) {
    const why = addressRefusal(literal)
    if (why)
      throw refuse(`target_url points to a non-public address ${literal}: ${why}${PRIVATE_HINT}`)
    return { url, addresses: [literal] }
  }
  const addresses = await guardHostname(url.hostname, options)
  return { url, addresses }
}

/**
 * The DNS half of {@link guardTarget}, for a hostname (not an IP literal): refuses names of the
 * machine itself or a metadata service, then resolves the name and refuses it when ANY address is
 * not global. Returns the addresses.
 *
 * @example
 * await guardHostname('hooks.example.com', { resolve }) // ['93.184.216.34']
 */
export async function guardHostname(
  hostname: string,
  options: Pick<GuardOptions, 'resolve'> = {},
): Promise<string[]> {
  const name = hostname.replace(/\.$/, '').toLowerCase()
  if (refusedNames.test(name))
    throw refuse(`target_url names a local host (${name})${PRIVATE_HINT}`)
  let addresses: string[]
  try {
    addresses = await (options.resolve ?? resolveAll)(name)
  } catch (error) {
    throw new ResthooksError('target_refused', `target_url host ${name} does not resolve`, {
      cause: error,
    })
  }
  if (addresses.length === 0) throw refuse(`target_url host ${name} does not resolve`)
  for (const address of addresses) {
    const why = addressRefusal(address)
    if (why)
      throw refuse(
        `target_url host ${name} resolves to a non-public address ${address}: ${why}${PRIVATE_HINT}`,
      )
  }
  return addresses
}

/**
 * {@link guardTarget} without throwing.
 *
 * @example
 * const result = await safeGuardTarget(url)
 * if (!result.success) console.log(result.error.message)
 */
export async function safeGuardTarget(
  target: string,
  options: GuardOptions = {},
): Promise<{ success: true; output: GuardedTarget } | { success: false; error: ResthooksError }> {
  try {
    return { success: true, output: await guardTarget(target, options) }
  } catch (error) {
    if (error instanceof ResthooksError) return { success: false, error }
    throw error
  }
}

/**
 * The checks that need no DNS: a valid absolute http(s) URL without credentials.
 *
 * @example
 * checkUrl('ftp://example.com/') // throws target_refused
 */
export function checkUrl(target: string): URL {
  let url: URL
  try {
    url = new URL(target)
  } catch {
    throw refuse('target_url is not a valid absolute URL')
  }
  // Judged on the serialised `href`, one getter instead of four (each costs as much as the
  // parse on Bun). In it, an http(s) URL is `scheme://`, then `user:pass@` only when there are
  // credentials (an `@` or `/` inside them is percent-encoded, and a host has neither), then
  // the host and port, then a path that always starts with `/`.
  const href = url.href
  const start = href.startsWith('http://') ? 7 : href.startsWith('https://') ? 8 : 0
  if (start === 0) {
    throw refuse(`target_url must use http or https, not ${url.protocol.slice(0, -1)}`)
  }
  const slash = href.indexOf('/', start)
  const authorityEnd = slash === -1 ? href.length : slash
  if (href.lastIndexOf('@', authorityEnd) >= start) {
    throw refuse('target_url must not contain credentials')
  }
  if (authorityEnd === start) throw refuse('target_url has no host')
  return url
}

/** Every address of a hostname through the system resolver (`node:dns`, also on Bun and Deno). */
export const resolveAll: Resolve = async (hostname) => {
  const dns = await import('node:dns')
  const found = await dns.promises.lookup(hostname, { all: true, verbatim: true })
  return found.map((entry) => entry.address)
}
