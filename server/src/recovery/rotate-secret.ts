import { generateKeyPair, generateSecret } from '@rh/protocol'
import type { Clock } from '../clock'
import type { KeyedLock } from '../delivery/keyed-lock'
import { ResthooksError } from '../errors'
import type { NewKey } from '../handler/subscription-routes'
import { isoTime } from '../iso-time'
import type { SubscriptionStore } from '../store/subscription-store'

/** How long the previous secret keeps signing after a rotation by default, in ms: 24 hours. */
export const DEFAULT_ROTATION_GRACE_MS = 24 * 60 * 60 * 1000

/** What {@link rotateSecret} needs. */
export interface RotateSecretContext {
  store: SubscriptionStore
  clock: Clock
  /** The key maker of new subscriptions (`null` when the server signs with its own keys). */
  newKey(): NewKey | null | Promise<NewKey | null>
  /** One rotation of a subscription at a time, so two at once cannot lose a secret. */
  lock: KeyedLock
}

/**
 * Gives a subscription a new key of the same kind (a `whsec_` secret, or a `whsk_` signing key
 * shown as its `whpk_` public key) and keeps the current one as `previous_secret`, signing beside
 * the new one until `graceMs` from now. A second rotation within the grace period retires the
 * oldest secret at once. Throws `not_found`, `no_subscription_secret` (the subscription is signed
 * with the server's own key) or `invalid_request` (a bad `graceMs`).
 *
 * @example
 * const { secret, previous_secret_expires_at } = await rotateSecret(context, 'acme', 'sub_…')
 */
export async function rotateSecret(
  context: RotateSecretContext,
  owner: string,
  subscriptionId: string,
  options: { graceMs?: number | undefined } = {},
): Promise<{ secret: string; previous_secret_expires_at: string }> {
  const graceMs = options.graceMs ?? DEFAULT_ROTATION_GRACE_MS
  if (!Number.isSafeInteger(graceMs) || graceMs < 0) {
    throw new ResthooksError('invalid_request', 'the grace period must be a whole number >= 0', {
      errors: [{ path: 'grace_seconds', message: 'must be a whole number >= 0' }],
    })
  }
  return context.lock(subscriptionId, async () => {
    const current = await context.store.get(owner, subscriptionId)
    if (!current) throw new ResthooksError('not_found', 'no such subscription')
    if (current.secret === null) {
      throw new ResthooksError(
        'no_subscription_secret',
        'this subscription is signed with the server’s own key: rotate that key on the server',
      )
    }
    const key = await keyLike(current.secret, context.newKey)
    const now = context.clock.now()
    const expiresAt = isoTime(now + graceMs)
    const updated = await context.store.update(owner, subscriptionId, {
      secret: key.secret,
      previous_secret: current.secret,
      previous_secret_expires_at: expiresAt,
      updated_at: isoTime(now),
    })
    if (!updated) throw new ResthooksError('not_found', 'no such subscription')
    return { secret: key.shown, previous_secret_expires_at: expiresAt }
  })
}

/**
 * A new key of the same kind as `secret`: the server's key maker's when it makes that kind,
 * else one made here (a subscriber-chosen `whsec_` secret on a server that signs with its own
 * keys, or a server whose signing mode changed since).
 */
async function keyLike(secret: string, newKey: RotateSecretContext['newKey']): Promise<NewKey> {
  const made = await newKey()
  if (made && kindOf(made.secret) === kindOf(secret)) return made
  if (kindOf(secret) === 'whsk') {
    const { secretKey, publicKey } = await generateKeyPair()
    return { secret: secretKey, shown: publicKey }
  }
  const generated = generateSecret()
  return { secret: generated, shown: generated }
}

const kindOf = (key: string) => key.slice(0, key.indexOf('_'))
