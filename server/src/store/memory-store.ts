import { eventKeys } from '@rh/protocol'
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
      // Only after a rotation: most rows never have them, and keep the shape above.
      if (subscription.previous_secret != null) row.previous_secret = subscription.previous_secret
      if (subscription.previous_secret_expires_at != null) {
        row.previous_secret_expires_at = subscription.previous_secret_expires_at
      }
      if (subscription.filter != null) row.filter = structuredClone(subscription.filter)
      // Only `fifo` is kept: `none` is the default, read back as absent.
      if (subscription.ordering === 'fifo') row.ordering = 'fifo'
      if (!rows.add(row.id, row)) throw new Error(`duplicate subscription id ${row.id}`)
      index(row)
    },

    async get(owner, id) {
      const row = owned(owner, id)
      return row ? copy(row) : null
    },

    async list(owner, query: ListQuery): Promise<Page<StoredSubscription>> {
      const scope = owners.get(owner)
      if (!scope) return { items: [], nextCursor: null }
      // Newest first: walk down from just below the cursor.
      const page =
        query.event === undefined
          ? scope.all.below(query.cursor, query.limit)
          : pageOfEvent(scope.byEvent, query.event, query.cursor, query.limit)
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
      if (patch.secret !== undefined) next.secret = patch.secret
      if (patch.previous_secret !== undefined) next.previous_secret = patch.previous_secret
      if (patch.previous_secret_expires_at !== undefined) {
        next.previous_secret_expires_at = patch.previous_secret_expires_at
      }
      if (patch.filter === null) delete next.filter
      else if (patch.filter !== undefined) next.filter = structuredClone(patch.filter)
      if (patch.ordering === 'fifo') next.ordering = 'fifo'
      else if (patch.ordering === 'none') delete next.ordering
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
      const byEvent = owners.get(owner)?.byEvent
      if (!byEvent) return []
      const lists = listsOf(byEvent, event)
      const matched: StoredSubscription[] = []
      const take = (id: string) => {
        const row = rows.get(id) as StoredSubscription
        if (row.status === 'active') matched.push(copy(row))
      }
      const [only] = lists
      if (lists.length === 1 && only) {
        only.forEach(take)
        return matched
      }
      // The event's name and patterns taking it: a subscription naming several comes once.
      const ids = new Set<string>()
      for (const list of lists) {
        list.forEach((id) => {
          ids.add(id)
        })
      }
      for (const id of [...ids].sort()) take(id)
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

/** The id lists of the keys that take `event` (its name, its patterns), those that exist. */
function listsOf(byEvent: Map<string, SortedIdList>, event: string): SortedIdList[] {
  const lists: SortedIdList[] = []
  for (const key of eventKeys(event)) {
    const ids = byEvent.get(key)
    if (ids) lists.push(ids)
  }
  return lists
}

/**
 * A page, newest first below `cursor`, of the subscriptions listening to `event`: the pages of
 * each key's list merged, each id once. Each list gives at most `limit + 1` ids, so a page costs
 * a few binary searches whatever the number of subscriptions.
 */
function pageOfEvent(
  byEvent: Map<string, SortedIdList>,
  event: string,
  cursor: string | undefined,
  limit: number,
): { ids: string[]; more: boolean } {
  const lists = listsOf(byEvent, event)
  const [only] = lists
  if (lists.length === 1 && only) return only.below(cursor, limit)
  const ids = new Set<string>()
  for (const list of lists) for (const id of list.below(cursor, limit + 1).ids) ids.add(id)
  const sorted = [...ids].sort().reverse()
  return { ids: sorted.slice(0, limit), more: sorted.length > limit }
}

/** A copy the caller may change without changing the store. */
function copy(row: StoredSubscription): StoredSubscription {
  const copied = { ...row, events: [...row.events], metadata: { ...row.metadata } }
  if (row.filter != null) copied.filter = structuredClone(row.filter)
  return copied
}
