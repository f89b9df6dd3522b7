import { createHash, timingSafeEqual } from 'node:crypto'

/** One owner and the API key that authenticates it. */
export interface ApiKey {
  owner: string
  key: string
}

/**
 * Parses `owner:key,owner2:key2` (the `RH_API_KEYS` format; the key is everything after the first
 * colon). Throws on an entry without an owner or a key.
 *
 * @example
 * parseApiKeys('acme:sk_live_123,globex:sk_live_456')
 */
export function parseApiKeys(text: string): ApiKey[] {
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const colon = entry.indexOf(':')
      const owner = entry.slice(0, colon)
      const key = entry.slice(colon + 1)
      if (colon <= 0 || key === '')
        throw new Error(`an API key is owner:key, got "${redact(entry)}"`)
      return { owner, key }
    })
}

const digest = (text: string) => createHash('sha256').update(text).digest()

/**
 * Turns a list of keys into `authenticate(authorization)`, which returns the owner of a
 * `Bearer <key>` header or `null`. It compares against every key in constant time (SHA-256
 * digests, `timingSafeEqual`), so neither a key's content nor its position leaks through timing.
 *
 * @example
 * const authenticate = apiKeyAuthenticator(parseApiKeys(process.env.RH_API_KEYS ?? ''))
 * authenticate(request.headers.get('authorization')) // 'acme' | null
 */
export function apiKeyAuthenticator(keys: readonly ApiKey[]) {
  const hashed = keys.map(({ owner, key }) => ({ owner, digest: digest(key) }))
  return (authorization: string | null | undefined): string | null => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '')
    if (!match?.[1]) return null
    const presented = digest(match[1])
    let owner: string | null = null
    for (const entry of hashed) {
      if (timingSafeEqual(entry.digest, presented) && owner === null) owner = entry.owner
    }
    return owner
  }
}

/** Shows the owner of a malformed entry but never its secret part. */
function redact(entry: string) {
  const colon = entry.indexOf(':')
  return colon < 0 ? '<hidden>' : `${entry.slice(0, colon)}:<hidden>`
}
