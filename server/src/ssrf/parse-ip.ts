/** An IP address as numbers: IPv4 as one 32-bit unsigned integer, IPv6 as eight 16-bit groups. */
export type ParsedIp = { version: 4; value: number } | { version: 6; groups: number[] }

const IPV4_PART = /^(?:0x[0-9a-f]*|0[0-7]*|[1-9][0-9]*)$/i

/**
 * Parses an IPv4 address in every spelling `inet_aton` and the WHATWG URL parser accept:
 * one to four parts, each decimal, octal (`0177`) or hex (`0x7f`), the last filling the
 * remaining bytes (`127.1`, `2130706433`), and a trailing dot. `undefined` when it is not one.
 *
 * @example
 * parseIPv4('0x7f.1') // 2130706433 (127.0.0.1)
 */
export function parseIPv4(text: string): number | undefined {
  const parts = (text.endsWith('.') ? text.slice(0, -1) : text).split('.')
  if (parts.length > 4) return undefined
  const numbers: number[] = []
  for (const part of parts) {
    if (!IPV4_PART.test(part)) return undefined
    const lower = part.toLowerCase()
    const value = lower.startsWith('0x')
      ? lower.length === 2
        ? 0
        : Number.parseInt(lower.slice(2), 16)
      : lower.length > 1 && lower.startsWith('0')
        ? Number.parseInt(lower.slice(1), 8)
        : Number(lower)
    if (!Number.isSafeInteger(value)) return undefined
    numbers.push(value)
  }
  const last = numbers.pop() as number
  if (numbers.some((n) => n > 255)) return undefined
  if (last >= 256 ** (4 - numbers.length)) return undefined
  let value = last
  numbers.forEach((n, i) => {
    value += n * 256 ** (3 - i)
  })
  return value
}

/**
 * Parses an IPv6 address (with or without brackets, `::` compression, a dotted IPv4 tail) into
 * eight groups. A zone (`fe80::1%eth0`) is accepted and ignored. `undefined` when it is not one.
 *
 * @example
 * parseIPv6('[::ffff:127.0.0.1]') // [0, 0, 0, 0, 0, 0xffff, 0x7f00, 1]
 */
export function parseIPv6(text: string): number[] | undefined {
  let address = text.startsWith('[') && text.endsWith(']') ? text.slice(1, -1) : text
  const zone = address.indexOf('%')
  if (zone !== -1) address = address.slice(0, zone)
  if (!address.includes(':')) return undefined
  const halves = address.split('::')
  if (halves.length > 2) return undefined
  const head = groupsOf(halves[0] as string)
  const tail = halves.length === 2 ? groupsOf(halves[1] as string) : []
  if (!head || !tail) return undefined
  if (halves.length === 1) return head.length === 8 ? head : undefined
  const missing = 8 - head.length - tail.length
  if (missing < 1) return undefined
  return [...head, ...new Array<number>(missing).fill(0), ...tail]
}

function groupsOf(text: string): number[] | undefined {
  if (text === '') return []
  const pieces = text.split(':')
  const groups: number[] = []
  for (const [i, piece] of pieces.entries()) {
    if (i === pieces.length - 1 && piece.includes('.')) {
      if (!/^\d{1,3}(?:\.\d{1,3}){3}$/.test(piece)) return undefined
      const v4 = parseIPv4(piece.replace(/(^|\.)0+(\d)/g, '$1$2'))
      if (v4 === undefined) return undefined
      groups.push(v4 >>> 16, v4 & 0xffff)
    } else {
      if (!/^[0-9a-f]{1,4}$/i.test(piece)) return undefined
      groups.push(Number.parseInt(piece, 16))
    }
  }
  return groups
}

/**
 * Parses an IP literal of either family, in any spelling {@link parseIPv4} and
 * {@link parseIPv6} accept.
 *
 * @example
 * parseIp('2130706433') // { version: 4, value: 2130706433 }
 */
export function parseIp(text: string): ParsedIp | undefined {
  const v4 = parseIPv4(text)
  if (v4 !== undefined) return { version: 4, value: v4 }
  const groups = parseIPv6(text)
  return groups ? { version: 6, groups } : undefined
}

/**
 * Writes an IPv4 address as dotted decimal.
 *
 * @example
 * formatIPv4(2130706433) // '127.0.0.1'
 */
export function formatIPv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.')
}
