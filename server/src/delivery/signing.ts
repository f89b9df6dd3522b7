import { createSigner, generateKeyPair, generateSecret, type Signer } from '@rh/protocol'

/**
 * How deliveries are signed:
 * - `{ secret }`: one server-wide key (`whsec_` HMAC or `whsk_` Ed25519); several during a
 *   rotation, each signing every message. A subscription that has its own secret uses it instead.
 * - `{ perSubscription: 'v1' | 'v1a' }`: every subscription gets its own key at creation,
 *   a `whsec_` secret (`v1`) or a `whsk_` Ed25519 signing key (`v1a`).
 *
 * @example
 * createDeliveryEngine({ ...options, signing: { secret: [process.env.NEW_SECRET!, process.env.OLD_SECRET!] } })
 */
export type SigningOptions = { secret: string | string[] } | { perSubscription: 'v1' | 'v1a' }

/** The signers of one engine: keys imported once and kept. */
export interface Signers {
  /** The signer for a subscription's secret, or the global one; `null` when there is no key. */
  forSecret(secret: string | null): Signer | null
  /** A new per-subscription key, or `null` when signing is global. */
  newSecret(): Promise<string | null>
}

/**
 * Builds the signers for a {@link SigningOptions}. A global key is checked now (a bad key throws
 * `ProtocolError('invalid_key')` at startup, not at the first delivery).
 *
 * @example
 * const signers = createSigners({ secret: 'whsec_...' })
 * const signer = signers.forSecret(subscription.secret)
 */
export function createSigners(options: SigningOptions): Signers {
  const global = 'secret' in options ? createSigner(options.secret) : null
  const bySecret = new Map<string, Signer>()
  return {
    forSecret(secret) {
      if (secret === null) return global
      let signer = bySecret.get(secret)
      if (!signer) {
        if (bySecret.size >= 10_000) bySecret.clear()
        signer = createSigner(secret)
        bySecret.set(secret, signer)
      }
      return signer
    },
    async newSecret() {
      if (!('perSubscription' in options)) return null
      if (options.perSubscription === 'v1') return generateSecret()
      return (await generateKeyPair()).secretKey
    },
  }
}
