import type { StoredSubscription, SubscriptionStore } from '../../store/subscription-store'

/**
 * The smallest {@link SubscriptionStore} the engine tests need (the real `memoryStore` lives
 * with the server API). `subscribe` adds an active subscription.
 *
 * @example
 * const store = fakeStore()
 * const sub = await store.subscribe('alice', 'post.created', receiver.url)
 */
export function fakeStore() {
  const rows = new Map<string, StoredSubscription>()
  let n = 0
  const store: SubscriptionStore & {
    rows: Map<string, StoredSubscription>
    subscribe(
      owner: string,
      event: string,
      target: string,
      extra?: Partial<StoredSubscription>,
    ): Promise<StoredSubscription>
  } = {
    rows,
    async subscribe(owner, event, target, extra = {}) {
      const subscription: StoredSubscription = {
        id: `sub_${String(++n).padStart(26, '0')}`,
        owner,
        target_url: target,
        events: [event],
        status: 'active',
        metadata: {},
        secret: null,
        consecutive_failures: 0,
        created_at: '2025-01-01T00:00:00.000Z',
        updated_at: '2025-01-01T00:00:00.000Z',
        ...extra,
      }
      await store.create(subscription)
      return subscription
    },
    async create(subscription) {
      rows.set(subscription.id, { ...subscription })
    },
    async get(owner, id) {
      const row = rows.get(id)
      return row && row.owner === owner ? { ...row } : null
    },
    async list(owner, query) {
      const items = [...rows.values()].filter(
        (row) => row.owner === owner && (!query.event || row.events.includes(query.event)),
      )
      return { items: items.slice(0, query.limit), nextCursor: null }
    },
    async update(owner, id, patch) {
      const row = rows.get(id)
      if (!row || row.owner !== owner) return null
      Object.assign(row, patch)
      return { ...row }
    },
    async delete(owner, id) {
      const row = rows.get(id)
      return row?.owner === owner && rows.delete(id)
    },
    async match(owner, event) {
      return [...rows.values()]
        .filter(
          (row) => row.owner === owner && row.status === 'active' && row.events.includes(event),
        )
        .map((row) => ({ ...row }))
    },
  }
  return store
}
