import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { testSchema } from '../../../test/postgres'
import { newId } from '../ids'
import { postgres } from '../postgres/index'
import { memoryQueue } from '../queue/memory-queue'
import { sqlite } from '../sqlite/index'
import type { Storage } from '../storage'
import { memoryStore } from '../store/memory-store'
import { storageSubscriptionCounts } from './storage-subscription-counts'

const dir = mkdtempSync(join(tmpdir(), 'rh-counts-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** Two active subscriptions of alice, one paused of bob, one disabled of bob. */
async function fill(storage: Storage) {
  const now = new Date().toISOString()
  const rows = [
    ['alice', 'active'],
    ['alice', 'active'],
    ['bob', 'paused'],
    ['bob', 'disabled'],
  ] as const
  for (const [owner, status] of rows) {
    await storage.store.create({
      id: newId('sub'),
      owner,
      target_url: 'https://example.com/hooks',
      events: ['post.created'],
      status,
      metadata: {},
      secret: null,
      consecutive_failures: 0,
      created_at: now,
      updated_at: now,
    })
  }
}

describe('storageSubscriptionCounts', () => {
  it('counts subscriptions by status across owners in SQLite', async () => {
    const storage = sqlite({ path: join(dir, 'rh.db') })
    try {
      await storage.migrate()
      await fill(storage)
      const count = storageSubscriptionCounts(storage)
      expect(await count?.()).toEqual({ active: 2, paused: 1, disabled: 1 })
    } finally {
      await storage.close()
    }
  })

  it('counts subscriptions by status across owners in PostgreSQL', async () => {
    const db = await testSchema()
    try {
      const storage = { ...postgres(db.sql), sql: db.sql }
      await storage.migrate()
      await fill(storage)
      const count = storageSubscriptionCounts(storage)
      expect(await count?.()).toEqual({ active: 2, paused: 1, disabled: 1 })
    } finally {
      await db.drop()
    }
  })

  it('has no count for a storage it does not know', () => {
    const storage = {
      store: memoryStore(),
      queue: memoryQueue(),
      migrate: async () => {},
      close: async () => {},
    }
    expect(storageSubscriptionCounts(storage)).toBeUndefined()
  })
})
