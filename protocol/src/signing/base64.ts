const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const DECODE = new Int16Array(128).fill(-1)
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i

const sextet = (text: string, index: number): number => {
  const code = text.charCodeAt(index)
  return code < 128 ? (DECODE[code] as number) : -1
}

/**
 * Standard base64 (RFC 4648 §4, `+/`, `=` padding) of some bytes. Plain JS so it runs anywhere.
 *
 * @example
 * encodeBase64(new Uint8Array([1, 2, 3])) // 'AQID'
 */
export function encodeBase64(bytes: Uint8Array): string {
  let out = ''
  const whole = bytes.length - (bytes.length % 3)
  for (let i = 0; i < whole; i += 3) {
    const n =
      ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number)
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}${ALPHABET[(n >>> 6) & 63]}${ALPHABET[n & 63]}`
  }
  const rest = bytes.length - whole
  if (rest === 1) {
    const n = (bytes[whole] as number) << 16
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}==`
  } else if (rest === 2) {
    const n = ((bytes[whole] as number) << 16) | ((bytes[whole + 1] as number) << 8)
    out += `${ALPHABET[n >>> 18]}${ALPHABET[(n >>> 12) & 63]}${ALPHABET[(n >>> 6) & 63]}=`
  }
  return out
}

/**
 * Decodes strict, canonical standard base64: `+/` alphabet, `=` padding to a multiple of four,
 * no whitespace, and zero unused bits, so every byte string has exactly one accepted encoding.
 * Returns `undefined` for anything else instead of guessing.
 *
 * @example
 * decodeBase64('AQID') // Uint8Array [1, 2, 3]
 * decodeBase64('AQI=') // Uint8Array [1, 2]
 * decodeBase64('AQJ=') // undefined: non-zero unused bits
 */
export function decodeBase64(text: string): Uint8Array | undefined {
  const length = text.length
  if (length % 4 !== 0) return undefined
  const padding = length === 0 ? 0 : text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0
  const out = new Uint8Array((length / 4) * 3 - padding)
  const whole = padding === 0 ? length : length - 4
  let o = 0
  for (let i = 0; i < whole; i += 4) {
    const a = sextet(text, i)
    const b = sextet(text, i + 1)
    const c = sextet(text, i + 2)
    const d = sextet(text, i + 3)
    if ((a | b | c | d) < 0) return undefined
    const n = (a << 18) | (b << 12) | (c << 6) | d
    out[o++] = n >>> 16
    out[o++] = (n >>> 8) & 255
    out[o++] = n & 255
  }
  if (padding === 0) return out
  const a = sextet(text, whole)
  const b = sextet(text, whole + 1)
  if ((a | b) < 0) return undefined
  if (padding === 2) {
    if ((b & 15) !== 0) return undefined
    out[o] = (a << 2) | (b >>> 4)
    return out
  }
  const c = sextet(text, whole + 2)
  if (c < 0 || (c & 3) !== 0) return undefined
  const n = (a << 18) | (b << 12) | (c << 6)
  out[o++] = n >>> 16
  out[o] = (n >>> 8) & 255
  return out
}
