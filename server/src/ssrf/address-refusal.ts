import { formatIPv4, type ParsedIp, parseIp } from './parse-ip'

type Range4 = readonly [base: string, prefix: number, why: string]

/**
 * IPv4 ranges that are not global unicast (IANA special-purpose registry, RFC 6890 and
 * successors). Anything here is refused as a webhook target.
 */
const refusedIPv4: readonly Range4[] = [
  ['0.0.0.0', 8, '"this network" (0.0.0.0/8)'],
  ['10.0.0.0', 8, 'private (10.0.0.0/8)'],
  ['100.64.0.0', 10, 'shared address space / CGNAT (100.64.0.0/10)'],
  ['127.0.0.0', 8, 'loopback (127.0.0.0/8)'],
  ['169.254.0.0', 16, 'link-local / cloud metadata (169.254.0.0/16)'],
  ['172.16.0.0', 12, 'private (172.16.0.0/12)'],
  ['192.0.0.0', 24, 'IETF protocol assignments (192.0.0.0/24)'],
  ['192.0.2.0', 24, 'documentation (192.0.2.0/24)'],
  ['192.88.99.0', 24, '6to4 relay anycast (192.88.99.0/24)'],
  ['192.168.0.0', 16, 'private (192.168.0.0/16)'],
  ['198.18.0.0', 15, 'benchmarking (198.18.0.0/15)'],
  ['198.51.100.0', 24, 'documentation (198.51.100.0/24)'],
  ['203.0.113.0', 24, 'documentation (203.0.113.0/24)'],
  ['224.0.0.0', 4, 'multicast (224.0.0.0/4)'],
  ['240.0.0.0', 4, 'reserved / broadcast (240.0.0.0/4)'],
]

const ranges4 = refusedIPv4.map(([base, prefix, why]) => {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0
  return { network: ((parseIp(base) as { value: number }).value & mask) >>> 0, mask, why }
})

function refuseIPv4(value: number): string | null {
  for (const range of ranges4) {
    if ((value & range.mask) >>> 0 === range.network) return range.why
  }
  return null
}

const embedded = (high: number, low: number) => ((high << 16) | low) >>> 0

function refuseIPv6(g: number[]): string | null {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = g
  const zeroTo = (n: number) => g.slice(0, n).every((x) => x === 0)
  if (zeroTo(8)) return 'unspecified (::)'
  if (zeroTo(7) && g7 === 1) return 'loopback (::1)'
  // Addresses that carry an IPv4 address: judged by the IPv4 address they reach.
  if (zeroTo(5) && g5 === 0xffff) return via(embedded(g6, g7), 'IPv4-mapped')
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) {
    return via(embedded(g6, g7), 'NAT64 (64:ff9b::/96)')
  }
  if (g0 === 0x2002) {
    return via(embedded(g1, g2), '6to4 (2002::/16)')
  }
  if (zeroTo(6)) return `IPv4-compatible, deprecated (::${formatIPv4(embedded(g6, g7))})`
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0xffff && g5 === 0) {
    return 'IPv4-translated (::ffff:0:0:0/96)'
  }
  // Only 2000::/3 is global unicast; inside it, refuse the special-purpose blocks.
  if ((g0 & 0xe000) !== 0x2000) {
    if ((g0 & 0xfe00) === 0xfc00) return 'unique local (fc00::/7)'
    if ((g0 & 0xffc0) === 0xfe80) return 'link-local (fe80::/10)'
    if ((g0 & 0xffc0) === 0xfec0) return 'site-local, deprecated (fec0::/10)'
    if ((g0 & 0xff00) === 0xff00) return 'multicast (ff00::/8)'
    if (g0 === 0x64 && g1 === 0xff9b) return 'local-use NAT64 (64:ff9b:1::/48)'
    if (g0 === 0x100 && g1 === 0 && g2 === 0 && g3 === 0) return 'discard-only (100::/64)'
    return 'not global unicast (outside 2000::/3)'
  }
  if (g0 === 0x2001 && g1 === 0) return 'Teredo (2001::/32)'
  if (g0 === 0x2001 && g1 === 0xdb8) return 'documentation (2001:db8::/32)'
  if (g0 === 0x2001 && g1 < 0x200) return 'IETF protocol assignments (2001::/23)'
  if (g0 === 0x3fff && (g1 & 0xf000) === 0) return 'documentation (3fff::/20)'
  return null
}

function via(v4: number, what: string): string | null {
  const why = refuseIPv4(v4)
  return why === null ? null : `${what} ${formatIPv4(v4)}, ${why}`
}

/**
 * Why an address must not be a webhook target, or `null` when it is global unicast. Accepts every
 * spelling {@link parseIp} does; text that is not an IP address is refused. IPv4-mapped, NAT64
 * and 6to4 addresses are judged by the IPv4 address they embed; Teredo, ULA, link-local,
 * multicast, documentation and everything outside 2000::/3 is refused.
 *
 * @example
 * addressRefusal('169.254.169.254') // 'link-local / cloud metadata (169.254.0.0/16)'
 * addressRefusal('[64:ff9b::a9fe:a9fe]') // 'NAT64 (64:ff9b::/96) 169.254.169.254, link-local ...'
 * addressRefusal('93.184.216.34') // null
 */
export function addressRefusal(address: string | ParsedIp): string | null {
  const ip = typeof address === 'string' ? parseIp(address) : address
  if (!ip) return 'not an IP address'
  return ip.version === 4 ? refuseIPv4(ip.value) : refuseIPv6(ip.groups)
}

/**
 * Whether an address is global unicast, a fit webhook target.
 *
 * @example
 * isGlobalAddress('::ffff:127.0.0.1') // false
 */
export function isGlobalAddress(address: string): boolean {
  return addressRefusal(address) === null
}
