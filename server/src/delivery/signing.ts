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

/** The keys of a subscription that sign its deliveries (a `StoredSubscription` has them). */
export interface SubscriptionKeys {
  secret: string | null
  previous_secret?: string | null | undefined
  /** ISO-8601. */
  previous_secret_expires_at?: string | null | undefined
}

/** The signers of one engine: keys imported once and kept. */
export interface Signers {
  /** The signer for a subscription's secret, or the global one; `null` when there is no key. */
  forSecret(secret: string | null): Signer | null
  /**
   * The signer of a subscription at `now`: its secret and, during a rotation (until
   * `previous_secret_expires_at`), its previous secret beside it, so `webhook-signature` carries
   * both; the global signer when it has no secret.
   */
  forSubscription(subscription: SubscriptionKeys, now: number): Signer | null
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
  const cached = (key: string, keys: string | string[]) => {
    let signer = bySecret.get(key)
    if (!signer) {
      if (bySecret.size >= 10_000) bySecret.clear()
      signer = createSigner(keys)
      bySecret.set(key, signer)
    }
    return signer
  }
  return {
    forSecret(secret) {
      return secret === null ? global : cached(secret, secret)
    },
    forSubscription({ secret, previous_secret, previous_secret_expires_at }, now) {
      if (secret === null) return global
      // Rare (a rotation's grace period): the common case reads one absent field.
      if (!previous_secret || !previous_secret_expires_at) return cached(secret, secret)
      if (!(Date.parse(previous_secret_expires_at) > now)) return cached(secret, secret)
      // Secrets hold no spaces: the pair's key cannot be mistaken for one secret.
      return cached(`${secret} ${previous_secret}`, [secret, previous_secret])
    },
    async newSecret() {
      if (!('perSubscription' in options)) return null
      if (options.perSubscription === 'v1') return generateSecret()
      return (await generateKeyPair()).secretKey
    },
  }
}
