import { decodeBase64 } from './base64'
import { ProtocolError } from './protocol-error'

/** One signature of a version rh knows: `v1` (HMAC-SHA256, 32 bytes) or `v1a` (Ed25519, 64). */
export interface ParsedSignature {
  version: 'v1' | 'v1a'
  bytes: Uint8Array
}

const LENGTHS = { v1: 32, v1a: 64 } as const

/**
 * The most entries one `webhook-signature` may hold: rotation needs a handful, and a cap keeps a
 * forged header from costing a verifier thousands of Ed25519 checks.
 */
export const MAX_SIGNATURES = 32

const malformed = (message: string) => new ProtocolError('invalid_signature_format', message)

/**
 * Parses a `webhook-signature` value: entries `<version>,<base64>` separated by spaces (or by
 * `, ` where repeated header lines were combined). Entries of unknown versions are skipped, as
 * the spec asks; a `v1`/`v1a` entry must be strict base64 of the right length.
 *
 * @example
 * parseSignatures('v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4= v2,future')
 * // [{ version: 'v1', bytes: Uint8Array(32) }]
 */
export function parseSignatures(header: string): ParsedSignature[] {
  const entries = header.trim().split(/,?[ \t]+/)
  if (entries.length > MAX_SIGNATURES) {
    throw malformed(`webhook-signature holds more than ${MAX_SIGNATURES} signatures`)
  }
  const signatures: ParsedSignature[] = []
  for (const entry of entries) {
    const comma = entry.indexOf(',')
    if (comma <= 0) throw malformed('a webhook-signature entry is not "<version>,<signature>"')
    const version = entry.slice(0, comma)
    if (version !== 'v1' && version !== 'v1a') continue
    const bytes = decodeBase64(entry.slice(comma + 1))
    if (bytes?.length !== LENGTHS[version]) {
      throw malformed(`a ${version} signature must be strict base64 of ${LENGTHS[version]} bytes`)
    }
    signatures.push({ version, bytes })
  }
  return signatures
}
