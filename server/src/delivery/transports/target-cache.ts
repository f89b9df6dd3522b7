import { addressRefusal } from '../../ssrf/address-refusal'
import { ipLiteralOf } from '../../ssrf/guard-target'

/** A target URL parsed once, with the verdict on its IP literal. */
export interface Target {
  url: URL
  /** Why the target is refused before connecting (not http(s); a private IP literal), or null. */
  refusal: string | null
  /**
   * The host is an IP literal in the form the URL parser writes it (`127.0.0.1`, `[::1]`): a
   * client connects to exactly that address, with no DNS in between, so the check above is the
   * whole address check and any client may send to it.
   */
  literal: boolean
}

/**
 * Parses and judges each target URL once (a bounded memo: targets repeat across attempts): the
 * scheme must be http or https, whatever `allowPrivateTargets` says. Hostnames are judged later,
 * by `guardedLookup`; IP literals here, since no lookup runs for them.
 *
 * @example
 * const targets = targetCache(false)
 * targets('http://127.0.0.1/').refusal // 'target refused: 127.0.0.1 is loopback (127.0.0.0/8)'
 */
export function targetCache(allowPrivateTargets: boolean): (target: string) => Target {
  return memoByTarget((target) => {
    const url = new URL(target)
    const address = ipLiteralOf(url)
    let refusal: string | null = null
    // Subscriptions are checked for this, but a fetch would also read `file:` (Bun) or `data:`.
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      refusal = `target refused: ${url.protocol.slice(0, -1)} is not http or https`
    else if (!allowPrivateTargets && address !== undefined) {
      const why = addressRefusal(address)
      if (why) refusal = `target refused: ${address} is ${why}`
    }
    // A spelling the parser left alone (`0x7f.1` on a runtime that does not rewrite it) would
    // reach a client's resolver as a name: only the canonical form counts as a literal.
    const literal =
      address !== undefined && (url.hostname === address || url.hostname === `[${address}]`)
    return { url, refusal, literal }
  })
}

/**
 * `inspect` memoised by target URL, at most 10,000 targets (then it starts afresh): targets
 * repeat across attempts, and parsing a URL per attempt is a measurable share of a delivery's
 * CPU. A throwing `inspect` caches nothing.
 *
 * @example
 * const hostOf = memoByTarget((target) => new URL(target).host)
 */
export function memoByTarget<T extends object>(
  inspect: (target: string) => T,
): (target: string) => T {
  const known = new Map<string, T>()
  return (target) => {
    let found = known.get(target)
    if (!found) {
      found = inspect(target)
      if (known.size >= 10_000) known.clear()
      known.set(target, found)
    }
    return found
  }
}
