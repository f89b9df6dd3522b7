import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { newId } from '../ids'
import type { StoredSubscription, SubscriptionStore } from '../store/subscription-store'

const run = Math.random().toString(36).slice(2, 8)
let owners = 0
/** An owner name no other test (or run sharing a database) uses. */
const freshOwner = (name: string) => `${name}-${run}-${++owners}`

const T0 = '2025-01-31T12:00:00.000Z'
const T1 = '2025-01-31T13:00:00.000Z'

function makeSubscription(
  owner: string,
  overrides: Partial<StoredSubscription> = {},
): StoredSubscription {
  return {
    id: newId('sub'),
    owner,
    events: ['post.created'],
    target_url: 'https://consumer.example/hooks',
    status: 'active',
    metadata: {},
    secret: null,
    consecutive_failures: 0,
    created_at: T0,
    updated_at: T0,
    ...overrides,
  }
}

/** Follows `nextCursor` to the end and returns the ids of every page, in order. */
async function walk(
  store: SubscriptionStore,
  owner: string,
  limit: number,
  event?: string,
  between?: (page: number) => Promise<void>,
): Promise<string[][]> {
  const pages: string[][] = []
  let cursor: string | undefined
  do {
    const page = await store.list(owner, { event, cursor, limit })
    expect(page.items.length).toBeLessThanOrEqual(limit)
    pages.push(page.items.map((item) => item.id))
    cursor = page.nextCursor ?? undefined
    await between?.(pages.length)
  } while (cursor !== undefined && pages.length < 1000)
  return pages
}

/**
 * `row` with `previous_secret` and `previous_secret_expires_at` left out when `null`: a store may
 * give back "no previous secret" either way (a SQL column cannot tell absent from null).
 */
function withoutNullRotation(stored: StoredSubscription): StoredSubscription {
  // No filter reads as absent or `null` alike, as for the rotation below.
  const { filter, ...unfiltered } = stored
  const row: StoredSubscription = filter == null ? unfiltered : stored
  if (row.previous_secret !== null && row.previous_secret_expires_at !== null) return row
  const { previous_secret, previous_secret_expires_at, ...rest } = row
  return {
    ...rest,
    ...(previous_secret != null && { previous_secret }),
    ...(previous_secret_expires_at != null && { previous_secret_expires_at }),
  }
}

/** `store`, its reads passed through {@link withoutNullRotation}. */
function tolerant(store: SubscriptionStore): SubscriptionStore {
  const row = (found: StoredSubscription | null) => found && withoutNullRotation(found)
  return {
    create: (subscription) => store.create(subscription),
    get: async (owner, id) => row(await store.get(owner, id)),
    list: async (owner, query) => {
      const page = await store.list(owner, query)
      return { ...page, items: page.items.map(withoutNullRotation) }
    },
    update: async (owner, id, patch) => row(await store.update(owner, id, patch)),
    delete: (owner, id) => store.delete(owner, id),
    match: async (owner, event) => (await store.match(owner, event)).map(withoutNullRotation),
    ...(store.recordOutcome && {
      recordOutcome: (owner, id, outcome) =>
        (store.recordOutcome as NonNullable<SubscriptionStore['recordOutcome']>)(
          owner,
          id,
          outcome,
        ),
    }),
  }
}

const newestFirst = (subscriptions: StoredSubscription[]) =>
  subscriptions.map((s) => s.id).sort((a, b) => (a < b ? 1 : -1))

/**
 * The behaviour every {@link SubscriptionStore} must have, as a vitest suite: CRUD, owner
 * isolation, newest-first pagination with and without an event filter (stable while rows come
 * and go), `match` by owner, event and status, update semantics and delete, and the optional
 * `recordOutcome` (skipped for a store without it): resets, counts, disabling once, no lost
 * count under concurrent calls. Call it at the top level of a test file. `makeStore` runs before each test; `cleanup` after each (default:
 * `store.close()`). Owners are unique per test, so a durable store may share one database
 * across tests and runs.
 *
 * @example
 * import { memoryStore } from '@rh/server'
 * import { subscriptionStoreSuite } from '@rh/server/testing'
 *
 * subscriptionStoreSuite('memoryStore', async () => memoryStore())
 */
export function subscriptionStoreSuite(
  name: string,
  makeStore: () => Promise<SubscriptionStore>,
  cleanup: (store: SubscriptionStore) => Promise<void> | void = (store) => store.close?.(),
): void {
  describe(`${name} (subscription store suite)`, () => {
    /** What `makeStore` made; tests use it through {@link tolerant}. */
    let made: SubscriptionStore
    let store: SubscriptionStore
    let alice: string
    let bob: string

    beforeEach(async () => {
      made = await makeStore()
      store = tolerant(made)
      alice = freshOwner('alice')
      bob = freshOwner('bob')
    })

    afterEach(async () => {
      await cleanup(made)
    })

    const create = async (owner: string, overrides: Partial<StoredSubscription> = {}) => {
      const subscription = makeSubscription(owner, overrides)
      await store.create(subscription)
      return subscription
    }

    describe('create and get', () => {
      it('gives back every field it was given', async () => {
        const created = await create(alice, {
          events: ['post.created', 'post.deleted'],
          metadata: { team: 'editorial', ключ: 'значение ✓' },
          secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          consecutive_failures: 2,
          status: 'paused',
        })
        expect(await store.get(alice, created.id)).toEqual(created)
      })

      it('answers null for an id it never stored', async () => {
        await create(alice)
        expect(await store.get(alice, newId('sub'))).toBeNull()
      })

      it("answers null for another owner's subscription", async () => {
        const created = await create(alice)
        expect(await store.get(bob, created.id)).toBeNull()
      })

      it('is not changed by changing what it returned', async () => {
        const created = await create(alice, { metadata: { a: '1' } })
        const read = (await store.get(alice, created.id)) as StoredSubscription
        read.events.push('changed')
        read.metadata.a = 'changed'
        read.status = 'disabled'
        expect(await store.get(alice, created.id)).toEqual(created)
      })

      it('is not changed by changing what it was given', async () => {
        const created = await create(alice)
        const expected = structuredClone(created)
        created.events.push('changed')
        created.metadata.b = 'changed'
        expect(await store.get(alice, created.id)).toEqual(expected)
      })
    })

    describe('list', () => {
      it("lists only the owner's subscriptions, newest first", async () => {
        const mine = [await create(alice), await create(alice), await create(alice)]
        await create(bob)
        const page = await store.list(alice, { limit: 50 })
        expect(page.items.map((s) => s.id)).toEqual(newestFirst(mine))
        expect(page.items[0]).toEqual(mine[2])
        expect(page.nextCursor).toBeNull()
      })

      it('lists nothing for an owner without subscriptions', async () => {
        await create(alice)
        expect(await store.list(bob, { limit: 10 })).toEqual({ items: [], nextCursor: null })
      })

      it('visits every subscription exactly once across pages', async () => {
        const all: StoredSubscription[] = []
        for (let i = 0; i < 7; i++) all.push(await create(alice))
        const pages = await walk(store, alice, 3)
        expect(pages.flat()).toEqual(newestFirst(all))
        expect(pages[0]).toHaveLength(3)
        expect(pages.length).toBeGreaterThanOrEqual(3)
      })

      it('ends with a null cursor when the last page is exactly full', async () => {
        for (let i = 0; i < 4; i++) await create(alice)
        const pages = await walk(store, alice, 2)
        expect(pages.flat()).toHaveLength(4)
      })

      it('pages through the subscriptions to one event only', async () => {
        const listening: StoredSubscription[] = []
        for (let i = 0; i < 9; i++) {
          const events = i % 3 === 0 ? ['post.deleted'] : ['post.created', 'post.updated']
          const created = await create(alice, { events })
          if (i % 3 !== 0) listening.push(created)
        }
        await create(bob, { events: ['post.updated'] })
        const pages = await walk(store, alice, 2, 'post.updated')
        expect(pages.flat()).toEqual(newestFirst(listening))
      })

      it('matches event names exactly, with no prefix or case folding', async () => {
        await create(alice, { events: ['post.created'] })
        for (const event of ['post', 'post.', 'Post.created', 'post.created.x', '%', '*']) {
          expect((await store.list(alice, { event, limit: 10 })).items, event).toEqual([])
        }
      })

      it('stays stable while subscriptions are created and deleted during the walk', async () => {
        const all: StoredSubscription[] = []
        for (let i = 0; i < 8; i++) all.push(await create(alice))
        const ids = newestFirst(all)
        const deleted = new Set<string>()
        const pages = await walk(store, alice, 3, undefined, async (page) => {
          if (page !== 1) return
          // The first page's last row (the cursor) and a later row go; a new one comes.
          for (const id of [ids[2], ids[6]] as string[]) {
            await store.delete(alice, id)
            deleted.add(id)
          }
          await create(alice)
        })
        const seen = pages.flat()
        expect(new Set(seen).size).toBe(seen.length)
        expect(seen.slice(0, 3)).toEqual(ids.slice(0, 3))
        expect(seen.slice(3)).toEqual(ids.slice(3).filter((id) => !deleted.has(id)))
      })
    })

    describe('update', () => {
      it('changes the fields it is given and keeps the others', async () => {
        const created = await create(alice, { metadata: { a: '1' }, secret: 'whsec_x' })
        const updated = await store.update(alice, created.id, {
          status: 'paused',
          updated_at: T1,
        })
        const expected = { ...created, status: 'paused', updated_at: T1 }
        expect(updated).toEqual(expected)
        expect(await store.get(alice, created.id)).toEqual(expected)
      })

      it('replaces events, target, metadata and the failure count', async () => {
        const created = await create(alice, { metadata: { a: '1', b: '2' } })
        const patch = {
          events: ['invoice.paid'],
          target_url: 'https://other.example/hooks',
          metadata: { c: '3' },
          consecutive_failures: 4,
          updated_at: T1,
        }
        const expected = { ...created, ...patch }
        expect(await store.update(alice, created.id, patch)).toEqual(expected)
        expect(await store.get(alice, created.id)).toEqual(expected)
      })

      it('clears metadata with an empty map', async () => {
        const created = await create(alice, { metadata: { a: '1' } })
        await store.update(alice, created.id, { metadata: {}, updated_at: T1 })
        expect((await store.get(alice, created.id))?.metadata).toEqual({})
      })

      it('keeps the previous secret of a rotation and its expiry, and clears them', async () => {
        const rotated = await create(alice, {
          secret: 'whsec_b2xkIHNlY3JldCBvbmUgdHdvIHRocmVl',
          previous_secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
          previous_secret_expires_at: T1,
        })
        expect(await store.get(alice, rotated.id)).toEqual(rotated)
        const plain = await create(alice, { secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' })
        const patch = {
          secret: 'whsec_bmV3IHNlY3JldCBhZnRlciByb3RhdGlvbg',
          previous_secret: plain.secret,
          previous_secret_expires_at: '2025-02-01T13:00:00.000Z',
          updated_at: T1,
        }
        const expected = { ...plain, ...patch }
        expect(await store.update(alice, plain.id, patch)).toEqual(expected)
        expect(await store.get(alice, plain.id)).toEqual(expected)
        expect((await store.list(alice, { limit: 10 })).items).toContainEqual(expected)
        expect(await store.match(alice, 'post.created')).toContainEqual(expected)
        const cleared = { previous_secret: null, previous_secret_expires_at: null, updated_at: T1 }
        const { previous_secret, previous_secret_expires_at, ...plainAgain } = expected
        expect(await store.update(alice, plain.id, cleared)).toEqual(plainAgain)
        expect(await store.get(alice, plain.id)).toEqual(plainAgain)
        expect(await store.update(alice, rotated.id, { status: 'paused', updated_at: T1 })).toEqual(
          {
            ...rotated,
            status: 'paused',
            updated_at: T1,
          },
        )
      })

      it("answers null for another owner's subscription and leaves it alone", async () => {
        const created = await create(alice)
        expect(await store.update(bob, created.id, { status: 'paused', updated_at: T1 })).toBeNull()
        expect(await store.get(alice, created.id)).toEqual(created)
      })

      it('answers null for an unknown id', async () => {
        expect(await store.update(alice, newId('sub'), { status: 'paused', updated_at: T1 })).toBe(
          null,
        )
      })

      it('moves the subscription between event lists when its events change', async () => {
        const created = await create(alice, { events: ['a.one', 'a.two'] })
        await store.update(alice, created.id, { events: ['a.two', 'a.three'], updated_at: T1 })
        const ids = async (event: string) =>
          (await store.list(alice, { event, limit: 10 })).items.map((s) => s.id)
        expect(await ids('a.one')).toEqual([])
        expect(await ids('a.two')).toEqual([created.id])
        expect(await ids('a.three')).toEqual([created.id])
        expect(await store.match(alice, 'a.one')).toEqual([])
        expect((await store.match(alice, 'a.three')).map((s) => s.id)).toEqual([created.id])
      })
    })

    describe('delete', () => {
      it('removes the subscription from get, list and match', async () => {
        const kept = await create(alice)
        const gone = await create(alice)
        expect(await store.delete(alice, gone.id)).toBe(true)
        expect(await store.get(alice, gone.id)).toBeNull()
        expect((await store.list(alice, { limit: 10 })).items.map((s) => s.id)).toEqual([kept.id])
        expect((await store.match(alice, 'post.created')).map((s) => s.id)).toEqual([kept.id])
      })

      it('answers false the second time', async () => {
        const created = await create(alice)
        expect(await store.delete(alice, created.id)).toBe(true)
        expect(await store.delete(alice, created.id)).toBe(false)
      })

      it("answers false for another owner's subscription and keeps it", async () => {
        const created = await create(alice)
        expect(await store.delete(bob, created.id)).toBe(false)
        expect(await store.get(alice, created.id)).toEqual(created)
      })
    })

    describe('match', () => {
      it("finds the owner's active subscriptions to the event, and only those", async () => {
        const hit = await create(alice, { events: ['post.deleted', 'post.created'] })
        const also = await create(alice)
        await create(alice, { status: 'paused' })
        await create(alice, { status: 'disabled' })
        await create(alice, { events: ['post.deleted'] })
        await create(bob)
        const matched = await store.match(alice, 'post.created')
        expect(matched.map((s) => s.id).sort()).toEqual([hit.id, also.id].sort())
        expect(matched.find((s) => s.id === hit.id)).toEqual(hit)
      })

      it('follows status changes', async () => {
        const created = await create(alice)
        await store.update(alice, created.id, { status: 'paused', updated_at: T1 })
        expect(await store.match(alice, 'post.created')).toEqual([])
        await store.update(alice, created.id, { status: 'active', updated_at: T1 })
        expect(await store.match(alice, 'post.created')).toHaveLength(1)
      })

      it('finds nothing for an event nobody listens to', async () => {
        await create(alice)
        expect(await store.match(alice, 'post.created.x')).toEqual([])
        expect(await store.match(bob, 'post.created')).toEqual([])
      })

      it('finds every one of many subscriptions among many others', async () => {
        const wanted = new Set<string>()
        for (let i = 0; i < 200; i++) {
          const created = await create(i % 2 ? alice : bob, {
            events: i % 4 === 1 ? ['order.paid'] : ['order.shipped'],
          })
          if (i % 4 === 1) wanted.add(created.id)
        }
        const matched = await store.match(alice, 'order.paid')
        expect(new Set(matched.map((s) => s.id))).toEqual(wanted)
      })
    })

    describe('patterns', () => {
      it('matches a prefix pattern on one or more remaining segments, never the prefix itself', async () => {
        const orders = await create(alice, { events: ['order.*'] })
        expect(await store.match(alice, 'order.created')).toEqual([orders])
        expect(await store.match(alice, 'order.created.v2')).toEqual([orders])
        for (const event of ['order', 'orders.created', 'Order.created', 'invoice.order.x']) {
          expect(await store.match(alice, event), event).toEqual([])
        }
      })

      it('matches * on every event, for its owner only', async () => {
        const everything = await create(alice, { events: ['*'] })
        for (const event of ['a', 'order.created', 'x:y/z.w']) {
          expect(await store.match(alice, event), event).toEqual([everything])
        }
        expect(await store.match(bob, 'order.created')).toEqual([])
      })

      it('finds a subscription naming the event and patterns taking it once, in id order', async () => {
        const both = await create(alice, { events: ['order.created', 'order.*', '*'] })
        const exact = await create(alice, { events: ['order.created'] })
        const deeper = await create(alice, { events: ['order.created.*'] })
        await create(alice, { events: ['order.*'], status: 'paused' })
        const matched = await store.match(alice, 'order.created')
        expect(matched.map((s) => s.id)).toEqual([both.id, exact.id].sort())
        expect((await store.match(alice, 'order.created.v2')).map((s) => s.id)).toEqual(
          [both.id, deeper.id].sort(),
        )
      })

      it('takes a literal entry as a name: % and _ are no wildcards', async () => {
        await create(alice, { events: ['order_%'] })
        expect(await store.match(alice, 'orderXY')).toEqual([])
      })

      it('follows events changed to and from patterns', async () => {
        const created = await create(alice, { events: ['order.created'] })
        await store.update(alice, created.id, { events: ['invoice.*'], updated_at: T1 })
        expect(await store.match(alice, 'order.created')).toEqual([])
        expect(await store.match(alice, 'invoice.paid')).toHaveLength(1)
      })

      it('lists, for an event, the subscriptions naming it or a pattern taking it, paged', async () => {
        const listening: StoredSubscription[] = []
        for (let i = 0; i < 10; i++) {
          const events = [['order.created'], ['order.*'], ['*'], ['order.paid'], ['order.*', '*']][
            i % 5
          ] as string[]
          const created = await create(alice, { events })
          if (i % 5 !== 3) listening.push(created)
        }
        const pages = await walk(store, alice, 3, 'order.created')
        expect(pages.flat()).toEqual(newestFirst(listening))
      })
    })

    describe('filter', () => {
      const filter = { and: [{ path: 'amount', gte: 100 }, { not: { path: 'test', eq: true } }] }

      it('keeps a filter as given, through get, list and match', async () => {
        const created = await create(alice, { filter })
        expect((await store.get(alice, created.id))?.filter).toEqual(filter)
        expect((await store.list(alice, { limit: 10 })).items[0]?.filter).toEqual(filter)
        expect((await store.match(alice, 'post.created'))[0]?.filter).toEqual(filter)
      })

      it('sets, keeps and removes a filter by update', async () => {
        const created = await create(alice)
        expect((await store.get(alice, created.id))?.filter).toBeUndefined()
        const set = await store.update(alice, created.id, { filter, updated_at: T1 })
        expect(set?.filter).toEqual(filter)
        await store.update(alice, created.id, { status: 'paused', updated_at: T1 })
        expect((await store.get(alice, created.id))?.filter).toEqual(filter)
        const removed = await store.update(alice, created.id, { filter: null, updated_at: T1 })
        expect(removed?.filter).toBeUndefined()
        expect((await store.get(alice, created.id))?.filter).toBeUndefined()
      })

      it('gives copies: changing a read filter changes nothing stored', async () => {
        const created = await create(alice, { filter: { path: 'amount', gte: 100 } })
        const read = await store.get(alice, created.id)
        ;(read?.filter as { gte: number }).gte = 1
        expect((await store.get(alice, created.id))?.filter).toEqual({ path: 'amount', gte: 100 })
      })
    })

    describe('ordering', () => {
      it("keeps ordering 'fifo' through get, list and match; 'none' reads as absent", async () => {
        const ordered = await create(alice, { ordering: 'fifo' })
        const plain = await create(alice, { ordering: 'none' })
        expect((await store.get(alice, ordered.id))?.ordering).toBe('fifo')
        expect((await store.get(alice, plain.id))?.ordering).toBeUndefined()
        const listed = (await store.list(alice, { limit: 10 })).items
        expect(listed.find((s) => s.id === ordered.id)?.ordering).toBe('fifo')
        const matched = await store.match(alice, 'post.created')
        expect(matched.find((s) => s.id === ordered.id)?.ordering).toBe('fifo')
      })

      it('sets, keeps and removes fifo by update', async () => {
        const created = await create(alice)
        const set = await store.update(alice, created.id, { ordering: 'fifo', updated_at: T1 })
        expect(set?.ordering).toBe('fifo')
        await store.update(alice, created.id, { status: 'paused', updated_at: T1 })
        expect((await store.get(alice, created.id))?.ordering).toBe('fifo')
        const removed = await store.update(alice, created.id, { ordering: 'none', updated_at: T1 })
        expect(removed?.ordering).toBeUndefined()
        expect((await store.get(alice, created.id))?.ordering).toBeUndefined()
      })
    })

    // Optional in the interface: a store without it skips these (the engine falls back).
    describe('recordOutcome', () => {
      const T2 = Date.parse('2025-01-31T14:00:00.000Z')
      const delivered = { delivered: true, disableAfter: 3, at: T2 }
      const failed = { delivered: false, disableAfter: 3, at: T2 }

      it('resets the failure count after a delivery, and writes nothing when it is 0', async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const failing = await create(alice, { consecutive_failures: 2 })
        const healthy = await create(alice)
        expect(await store.recordOutcome(alice, failing.id, delivered)).toBe(false)
        expect(await store.recordOutcome(alice, healthy.id, delivered)).toBe(false)
        expect(await store.get(alice, failing.id)).toEqual({
          ...failing,
          consecutive_failures: 0,
          updated_at: new Date(T2).toISOString(),
        })
        expect(await store.get(alice, healthy.id)).toEqual(healthy)
      })

      it('counts failures and disables an active subscription at the limit, once', async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const created = await create(alice, { consecutive_failures: 1 })
        expect(await store.recordOutcome(alice, created.id, failed)).toBe(false)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 2,
          status: 'active',
          updated_at: new Date(T2).toISOString(),
        })
        expect(await store.recordOutcome(alice, created.id, failed)).toBe(true)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 3,
          status: 'disabled',
        })
        expect(await store.match(alice, 'post.created')).toEqual([])
        expect(await store.recordOutcome(alice, created.id, failed)).toBe(false)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 4,
          status: 'disabled',
        })
      })

      it('takes any safe integer as the limit (disabling turned off in effect)', async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const created = await create(alice)
        const never = { ...failed, disableAfter: Number.MAX_SAFE_INTEGER }
        expect(await store.recordOutcome(alice, created.id, never)).toBe(false)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 1,
          status: 'active',
        })
      })

      it('counts the failures of a paused subscription without disabling it', async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const created = await create(alice, { status: 'paused', consecutive_failures: 5 })
        expect(await store.recordOutcome(alice, created.id, failed)).toBe(false)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 6,
          status: 'paused',
        })
      })

      it("leaves another owner's subscription alone and answers false", async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const created = await create(alice, { consecutive_failures: 2 })
        expect(await store.recordOutcome(bob, created.id, failed)).toBe(false)
        expect(await store.recordOutcome(bob, created.id, delivered)).toBe(false)
        expect(await store.recordOutcome(alice, newId('sub'), failed)).toBe(false)
        expect(await store.get(alice, created.id)).toEqual(created)
      })

      it('loses no failure of many at once, and exactly one of them disables', async (ctx) => {
        if (!store.recordOutcome) return ctx.skip()
        const recordOutcome = store.recordOutcome.bind(store)
        const created = await create(alice)
        const outcome = { delivered: false, disableAfter: 10, at: T2 }
        const disabled = await Promise.all(
          Array.from({ length: 25 }, () => recordOutcome(alice, created.id, outcome)),
        )
        expect(disabled.filter(Boolean)).toHaveLength(1)
        expect(await store.get(alice, created.id)).toMatchObject({
          consecutive_failures: 25,
          status: 'disabled',
        })
      })
    })
  })
}
