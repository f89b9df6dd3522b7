import { isoTime } from '../iso-time'
import { SortedIdList } from './sorted-id-list'
import type {
  DeliveryOutcome,
  ListQuery,
  Page,
  StoredSubscription,
  SubscriptionPatch,
  SubscriptionStore,
} from './subscription-store'
import { TimeBucketedMap } from './time-bucketed-map'

interface OwnerIndex {
  /** Every subscription of the owner. */
  all: SortedIdList
  /** The owner's subscriptions per event name: `match` and the filtered list read only these. */
  byEvent: Map<string, SortedIdList>
}

/**
 * The in-memory {@link SubscriptionStore}, the default of `createResthooks`. Subscriptions live
 * in a map by id ({@link TimeBucketedMap}); an index per owner keeps sorted id lists
 * ({@link SortedIdList}: all of them, and per event), so
 * `match` reads exactly the owner's subscriptions to that event and a page is a binary search
 * plus `limit` steps, never a scan. Ids are monotonic (`newId`), so inserting is an append.
 * Cost per subscription: the row and one array slot per event plus one. Nothing survives a
 * restart: use the SQLite or PostgreSQL store for that.
 *
 * The cursor of a page is the last id it returned: the next page starts below it, so pages stay
 * stable while subscriptions are created or deleted.
 *
 * @example
 * const rh = createResthooks({ store: memoryStore(), authenticate })
 */
export function memoryStore(): SubscriptionStore {
  const rows = new TimeBucketedMap<StoredSubscription>()
  const owners = new Map<string, OwnerIndex>()
  // Rows share what they have in common: one string per owner, one array per list of events,
  // one object for empty metadata. Shared values are never changed: reads return copies.
  const ownerNames = new Map<string, string>()
  const eventLists = new Map<string, readonly string[]>()

  const internOwner = (owner: string) => {
    const known = ownerNames.get(owner)
    if (known !== undefined) return known
    // Bounded: deleted rows leave their entries behind. Clearing only ends sharing, not rows.
    if (ownerNames.size >= POOL_LIMIT) ownerNames.clear()
    ownerNames.set(owner, owner)
    return owner
  }

  const internEvents = (events: readonly string[]) => {
    const key = events.join('\n')
    const known = eventLists.get(key)
    if (known) return known as string[]
    const list = Object.freeze([...events])
    if (eventLists.size >= POOL_LIMIT) eventLists.clear()
    eventLists.set(key, list)
    return list as string[]
  }

  const internMetadata = (metadata: Record<string, string>) =>
    Object.keys(metadata).length === 0 ? EMPTY_METADATA : { ...metadata }

  function index(row: StoredSubscription) {
    let owner = owners.get(row.owner)
    if (!owner) {
      owner = { all: new SortedIdList(), byEvent: new Map() }
      owners.set(row.owner, owner)
    }
    owner.all.insert(row.id)
    for (const event of row.events) {
      let ids = owner.byEvent.get(event)
      if (!ids) {
        ids = new SortedIdList()
        owner.byEvent.set(event, ids)
      }
      ids.insert(row.id)
    }
  }

  function unindex(row: StoredSubscription) {
    const owner = owners.get(row.owner)
    if (!owner) return
    owner.all.remove(row.id)
    for (const event of row.events) {
      const ids = owner.byEvent.get(event)
      if (!ids) continue
      ids.remove(row.id)
      if (ids.size === 0) owner.byEvent.delete(event)
    }
    if (owner.all.size === 0) owners.delete(row.owner)
  }

  const owned = (owner: string, id: string) => {
    const row = rows.get(id)
    return row && row.owner === owner ? row : undefined
  }

  return {
    async create(subscription) {
      // Written out, not spread: one fixed-shape object per row, its fields held inline.
      const row: StoredSubscription = {
        id: subscription.id,
        owner: internOwner(subscription.owner),
        events: internEvents(subscription.events),
        target_url: subscription.target_url,
        status: subscription.status,
        metadata: internMetadata(subscription.metadata),
        secret: subscription.secret,
        consecutive_failures: subscription.consecutive_failures,
        created_at: subscription.created_at,
        updated_at: subscription.updated_at,
      }
      if (!rows.add(row.id, row)) throw new Error(`duplicate subscription id ${row.id}`)
      index(row)
    },

    async get(owner, id) {
      const row = owned(owner, id)
      return row ? copy(row) : null
    },

    async list(owner, query: ListQuery): Promise<Page<StoredSubscription>> {
      const scope = owners.get(owner)
      const ids = query.event === undefined ? scope?.all : scope?.byEvent.get(query.event)
      if (!ids) return { items: [], nextCursor: null }
      // Newest first: walk down from just below the cursor.
      const page = ids.below(query.cursor, query.limit)
      const items = page.ids.map((id) => copy(rows.get(id) as StoredSubscription))
      const last = items.at(-1)
      return { items, nextCursor: page.more && last ? last.id : null }
    },

    async update(owner, id, patch: SubscriptionPatch) {
      const row = owned(owner, id)
      if (!row) return null
      const next: StoredSubscription = { ...row }
      if (patch.target_url !== undefined) next.target_url = patch.target_url
      if (patch.events !== undefined) next.events = internEvents(patch.events)
      if (patch.status !== undefined) next.status = patch.status
      if (patch.metadata !== undefined) next.metadata = internMetadata(patch.metadata)
      if (patch.consecutive_failures !== undefined) {
        next.consecutive_failures = patch.consecutive_failures
      }
      next.updated_at = patch.updated_at
      if (patch.events !== undefined) {
        unindex(row)
        index(next)
      }
      rows.set(id, next)
      return copy(next)
    },

    async delete(owner, id) {
      const row = owned(owner, id)
      if (!row) return false
      rows.delete(id)
      unindex(row)
      return true
    },

    async recordOutcome(owner, id, outcome: DeliveryOutcome) {
      const row = owned(owner, id)
      if (!row) return false
      // The common case, a delivery to a healthy subscription, changes nothing.
      if (outcome.delivered && row.consecutive_failures === 0) return false
      const failures = outcome.delivered ? 0 : row.consecutive_failures + 1
      const disable =
        !outcome.delivered && failures >= outcome.disableAfter && row.status === 'active'
      rows.set(id, {
        ...row,
        consecutive_failures: failures,
        status: disable ? 'disabled' : row.status,
        updated_at: isoTime(outcome.at),
      })
      return disable
    },

    async match(owner, event) {
      const ids = owners.get(owner)?.byEvent.get(event)
      if (!ids) return []
      const matched: StoredSubscription[] = []
      ids.forEach((id) => {
        const row = rows.get(id) as StoredSubscription
        if (row.status === 'active') matched.push(copy(row))
      })
      return matched
    },

    async close() {
      rows.clear()
      owners.clear()
      ownerNames.clear()
      eventLists.clear()
    },
  }
}

/** Most distinct owners or event lists shared at once. */
const POOL_LIMIT = 100_000

const EMPTY_METADATA: Record<string, string> = Object.freeze({}) as Record<string, string>

/** A copy the caller may change without changing the store. */
function copy(row: StoredSubscription): StoredSubscription {
  return { ...row, events: [...row.events], metadata: { ...row.metadata } }
}
