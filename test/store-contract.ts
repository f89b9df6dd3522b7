import { describe, expect, it } from 'vitest'
import type { SubscriptionStore } from '../server/src/store/subscription-store'
import { subscription } from './factories'

/**
 * The durable stores' own checks of the {@link SubscriptionStore} contract, run against the
 * SQLite and PostgreSQL stores (the shared `subscriptionStoreSuite` runs as well once it exists).
 */
export function storeContract(name: string, open: () => Promise<SubscriptionStore>) {
  describe(`${name} store contract`, () => {
    it('returns what was created, with metadata, events and secret intact', async () => {
      const store = await open()
      const s = subscription({
        metadata: { team: 'blue' },
        secret: 'whsec_abc',
        events: ['a', 'b'],
      })
      await store.create(s)
      expect(await store.get('alice', s.id)).toEqual(s)
    })

    it('never shows one owner another owner’s subscription', async () => {
      const store = await open()
      const s = subscription()
      await store.create(s)
      expect(await store.get('mallory', s.id)).toBeNull()
      expect(
        await store.update('mallory', s.id, {
          status: 'paused',
          updated_at: '2025-04-01T00:00:00.000Z',
        }),
      ).toBeNull()
      expect(await store.delete('mallory', s.id)).toBe(false)
      expect(await store.match('mallory', 'post.created')).toEqual([])
      expect((await store.list('mallory', { limit: 10 })).items).toEqual([])
    })

    it('matches only active subscriptions of the owner listening to the event', async () => {
      const store = await open()
      const a = subscription({ events: ['post.created', 'post.deleted'] })
      const b = subscription({ events: ['post.deleted'] })
      const c = subscription({ events: ['post.created'], status: 'paused' })
      for (const s of [a, b, c]) await store.create(s)
      expect((await store.match('alice', 'post.created')).map((s) => s.id)).toEqual([a.id])
      expect((await store.match('alice', 'post.deleted')).map((s) => s.id)).toEqual([a.id, b.id])
    })

    it('moves a subscription between events when its events are updated', async () => {
      const store = await open()
      const s = subscription({ events: ['one'] })
      await store.create(s)
      const updated = await store.update('alice', s.id, {
        events: ['two'],
        updated_at: '2025-02-01T00:00:00.000Z',
      })
      expect(updated).toMatchObject({
        events: ['two'],
        updated_at: '2025-02-01T00:00:00.000Z',
        target_url: s.target_url,
      })
      expect(await store.match('alice', 'one')).toEqual([])
      expect((await store.match('alice', 'two')).map((x) => x.id)).toEqual([s.id])
      expect(await store.get('alice', s.id)).toEqual(updated)
    })

    it('updates status, metadata and the failure counter without touching the rest', async () => {
      const store = await open()
      const s = subscription()
      await store.create(s)
      await store.update('alice', s.id, {
        status: 'disabled',
        metadata: { k: 'v' },
        consecutive_failures: 7,
        updated_at: '2025-03-01T00:00:00.000Z',
      })
      expect(await store.get('alice', s.id)).toEqual({
        ...s,
        status: 'disabled',
        metadata: { k: 'v' },
        consecutive_failures: 7,
        updated_at: '2025-03-01T00:00:00.000Z',
      })
    })

    it('deletes a subscription and stops matching it', async () => {
      const store = await open()
      const s = subscription()
      await store.create(s)
      expect(await store.delete('alice', s.id)).toBe(true)
      expect(await store.delete('alice', s.id)).toBe(false)
      expect(await store.get('alice', s.id)).toBeNull()
      expect(await store.match('alice', 'post.created')).toEqual([])
    })

    it('pages through every subscription exactly once, optionally filtered by event', async () => {
      const store = await open()
      const created = []
      for (let i = 0; i < 7; i++) {
        const s = subscription({ owner: 'pager', events: i % 2 ? ['odd'] : ['even'] })
        created.push(s)
        await store.create(s)
      }
      const seen: string[] = []
      let cursor: string | undefined
      do {
        const page = await store.list('pager', { limit: 3, cursor })
        expect(page.items.length).toBeLessThanOrEqual(3)
        seen.push(...page.items.map((s) => s.id))
        cursor = page.nextCursor ?? undefined
      } while (cursor)
      expect(seen.sort()).toEqual(created.map((s) => s.id).sort())
      const odd = await store.list('pager', { limit: 10, event: 'odd' })
      expect(odd.items.map((s) => s.id).sort()).toEqual(
        created.filter((_, i) => i % 2).map((s) => s.id),
      )
      expect(odd.nextCursor).toBeNull()
    })
  })
}
