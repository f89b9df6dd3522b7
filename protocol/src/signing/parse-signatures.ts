import { ProtocolError } from './protocol-error'

/**
 * One signature of a version rh knows, still in base64: `v1` (HMAC-SHA256, 32 bytes) or `v1a`
 * (Ed25519, 64 bytes). `value` is canonical base64 of exactly that many bytes, so comparing it
 * as a string is comparing the bytes.
 */
export interface ParsedSignature {
  version: 'v1' | 'v1a'
  value: string
}

/**
 * Canonical standard base64 of 32 and 64 bytes: the last character before the padding carries
 * 4 (resp. 2) bits that must be zero, so each byte string has exactly one accepted spelling.
 */
const CANONICAL = {
  v1: /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/,
  v1a: /^[A-Za-z0-9+/]{85}[AQgw]==$/,
} as const

const SIZES = { v1: 32, v1a: 64 } as const

/**
 * The most entries one `webhook-signature` may hold: rotation needs a handful, and a cap keeps a
 * forged header from costing a verifier thousands of Ed25519 checks.
 */
export const MAX_SIGNATURES = 32

const malformed = (message: string) => new ProtocolError('invalid_signature_format', message)

/**
 * Parses a `webhook-signature` value: entries `<version>,<base64>` separated by spaces (or by
 * `, ` where repeated header lines were combined). Entries of unknown versions are skipped, as
 * the spec asks; a `v1`/`v1a` entry must be canonical standard base64 of the right length.
 *
 * @example
 * parseSignatures('v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v2,future')
 * // [{ version: 'v1', value: 'K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4=' }]
 */
export function parseSignatures(header: string): ParsedSignature[] {
  const entries = /[ \t]/.test(header) ? header.trim().split(/,?[ \t]+/) : [header]
  if (entries.length > MAX_SIGNATURES) {
    throw malformed(`webhook-signature holds more than ${MAX_SIGNATURES} signatures`)
  }
  const signatures: ParsedSignature[] = []
  for (const entry of entries) {
    const comma = entry.indexOf(',')
    if (comma <= 0) throw malformed('a webhook-signature entry is not "<version>,<signature>"')
    const version = entry.slice(0, comma)
    if (version !== 'v1' && version !== 'v1a') continue
    const value = entry.slice(comma + 1)
    if (!CANONICAL[version].test(value)) {
      throw malformed(`a ${version} signature must be strict base64 of ${SIZES[version]} bytes`)
    }
    signatures.push({ version, value })
  }
  return signatures
}
