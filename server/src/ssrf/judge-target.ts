import type { ResthooksError } from '../errors'
import { addressRefusal } from './address-refusal'
import { checkUrl, ipLiteralOf } from './guard-target'

/**
 * A delivery target judged once, before any connection: what the engine and every transport
 * need of it. The engine judges each target URL once (memoised) and hands the verdict to the
 * transport in `TransportRequest.target`, so no transport parses or checks it again; what is
 * left for connect time is the address a hostname resolves to (`guardedLookup`).
 */
export interface JudgedTarget {
  /** The target URL as given. */
  readonly href: string
  /** The parsed URL; `null` when the target is not a valid absolute URL (then refused). */
  readonly url: URL | null
  /** The host (with port) connected to: the unit of the per-host limit. */
  readonly host: string
  /** Why the target is refused before connecting (scheme, credentials, a private IP literal), or `null`. */
  readonly refusal: string | null
  /** The host as an IP address when it is an IP literal in any spelling (`0x7f.1` -> `127.0.0.1`). */
  readonly address: string | undefined
  /**
   * The host is an IP literal in the form the URL parser writes it (`127.0.0.1`, `[::1]`): a
   * client connects to exactly that address, with no DNS in between, so the check above is the
   * whole address check and any client may send to it.
   */
  readonly literal: boolean
}

/**
 * Judges a target URL without DNS: http or https whatever `allowPrivateTargets` says (a fetch
 * would also read `file:` or `data:`), no credentials, a host, and unless `allowPrivateTargets`
 * an IP literal that is global. Hostnames are judged at connect time, by `guardedLookup`.
 *
 * @example
 * judgeTarget('http://127.0.0.1/', false).refusal // 'target refused: 127.0.0.1 is loopback (127.0.0.0/8)'
 */
export function judgeTarget(href: string, allowPrivateTargets: boolean): JudgedTarget {
  let url: URL
  try {
    url = new URL(href)
  } catch {
    const refusal = 'target refused: not a valid absolute URL'
    return { href, url: null, host: href, refusal, address: undefined, literal: false }
  }
  const address = ipLiteralOf(url)
  const judged = {
    href,
    url,
    host: url.host,
    refusal: null as string | null,
    address,
    literal: false,
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    judged.refusal = `target refused: ${url.protocol.slice(0, -1)} is not http or https`
    return judged
  }
  try {
    checkUrl(href)
  } catch (error) {
    judged.refusal = `target refused: ${(error as ResthooksError).message}`
    return judged
  }
  // A spelling the parser left alone (`0x7f.1` on a runtime that does not rewrite it) would
  // reach a client's resolver as a name: only the canonical form counts as a literal.
  judged.literal =
    address !== undefined && (url.hostname === address || url.hostname === `[${address}]`)
  if (!allowPrivateTargets && address !== undefined) {
    const why = addressRefusal(address)
    if (why) judged.refusal = `target refused: ${address} is ${why}`
  }
  return judged
}

/**
 * {@link judgeTarget} memoised by target URL, at most 10,000 targets (then it starts afresh):
 * targets repeat across attempts, and parsing a URL per attempt is a measurable share of a
 * delivery's CPU.
 *
 * @example
 * const judge = targetJudge(false)
 * judge('https://hooks.example.com/') === judge('https://hooks.example.com/') // true
 */
export function targetJudge(allowPrivateTargets: boolean): (href: string) => JudgedTarget {
  const known = new Map<string, JudgedTarget>()
  return (href) => {
    let found = known.get(href)
    if (!found) {
      found = judgeTarget(href, allowPrivateTargets)
      if (known.size >= 10_000) known.clear()
      known.set(href, found)
    }
    return found
  }
}
