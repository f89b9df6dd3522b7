import { operationalEventTypes } from '../delivery/operational-events'
import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { StoredSubscription, SubscriptionStore } from '../store/subscription-store'

/**
 * The owner of the operator's subscription. No API key can authenticate as it: a key's owner is
 * what comes before the first `:` of `owner:key`, so it never holds a `:`.
 */
export const OPS_OWNER = 'rh:ops'

/** Where `rh serve --ops-webhook` delivers operational events. */
export interface OpsWebhook {
  url: string
  /** The subscription's signing secret; `null`: the server's global key signs. */
  secret: string | null
}

/**
 * Makes {@link OPS_OWNER} have exactly one subscription: `webhook.url`, to every operational
 * event type, `active`, with `webhook.secret`. An existing one to that URL is kept (its id, so
 * the receiver's view of it) and brought up to date, re-enabled if it was disabled; one to an
 * older URL is removed. Runs at every start, so the flags are the truth. Returns its id.
 *
 * @example
 * const id = await ensureOpsSubscription(rh.store, { url: 'https://ops.example/rh', secret }, Date.now())
 */
export async function ensureOpsSubscription(
  store: SubscriptionStore,
  webhook: OpsWebhook,
  now: number,
): Promise<string> {
  const existing: StoredSubscription[] = []
  let cursor: string | undefined
  do {
    const page = await store.list(OPS_OWNER, { cursor, limit: 100 })
    existing.push(...page.items)
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  const kept = existing.find((subscription) => subscription.target_url === webhook.url)
  for (const subscription of existing) {
    if (subscription !== kept) await store.delete(OPS_OWNER, subscription.id)
  }
  const at = isoTime(now)
  if (kept) {
    await store.update(OPS_OWNER, kept.id, {
      events: [...operationalEventTypes],
      status: 'active',
      consecutive_failures: 0,
      secret: webhook.secret,
      previous_secret: null,
      previous_secret_expires_at: null,
      updated_at: at,
    })
    return kept.id
  }
  const id = newId('sub', now)
  await store.create({
    id,
    owner: OPS_OWNER,
    target_url: webhook.url,
    events: [...operationalEventTypes],
    status: 'active',
    metadata: { purpose: 'rh operational events' },
    secret: webhook.secret,
    consecutive_failures: 0,
    created_at: at,
    updated_at: at,
  })
  return id
}
