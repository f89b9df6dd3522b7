import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { attempt, job, subscription } from '../testing/factories'
import { sqliteMigrations } from './migrations'
import { openSqlite } from './open-sqlite'
import { sqlite } from './sqlite'

const dir = mkdtempSync(join(tmpdir(), 'rh-migrations-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** A database file as the version before the message log left it. */
async function beforeMessageLog(
  path: string,
  fill: (run: (sql: string, params: unknown[]) => void) => void,
) {
  const db = await openSqlite(path)
  for (const migration of sqliteMigrations.slice(0, 3)) db.exec(migration)
  db.exec('pragma user_version = 3')
  fill((sql, params) => db.run(sql, params as never))
  db.close()
}

describe('sqlite migrations', () => {
  it('keeps the jobs of a database from before the message log pending, and logs their messages', async () => {
    const path = join(dir, 'v3.db')
    const s = subscription({ secret: 'whsec_b2xkIHNlY3JldCBvbmUgdHdvIHRocmVl' })
    const first = job(100, { subscription_id: s.id })
    const second = job(100, { subscription_id: 'sub_2', message_id: first.message_id })
    const later = job(300, { subscription_id: s.id, attempt: 2, next_attempt_at: 900 })
    // Logged before attempts had a response excerpt: it reads back as null.
    const logged = attempt({
      subscription_id: s.id,
      message_id: later.message_id,
      response_excerpt: null,
    })
    await beforeMessageLog(path, (run) => {
      run(
        `insert into rh_subscriptions (id, owner, target_url, events, status, metadata, secret,
         consecutive_failures, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          s.id,
          s.owner,
          s.target_url,
          JSON.stringify(s.events),
          s.status,
          '{}',
          s.secret,
          0,
          s.created_at,
          s.updated_at,
        ],
      )
      for (const j of [first, second, later]) {
        run(
          `insert into rh_jobs (id, message_id, subscription_id, owner, event, body, attempt,
           next_attempt_at, created_at, available_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          [
            j.id,
            j.message_id,
            j.subscription_id,
            j.owner,
            j.event,
            j.body,
            j.attempt,
            j.next_attempt_at,
            j.created_at,
            j.next_attempt_at,
          ],
        )
      }
      run(
        `insert into rh_attempts (id, subscription_id, owner, message_id, event, attempt, outcome,
         response_status, error, duration_ms, started_at, next_attempt_at)
         values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          logged.id,
          logged.subscription_id,
          logged.owner,
          logged.message_id,
          logged.event,
          logged.attempt,
          logged.outcome,
          logged.response_status,
          logged.error,
          logged.duration_ms,
          logged.started_at,
          logged.next_attempt_at,
        ],
      )
    })

    const db = sqlite({ path })
    try {
      expect((await db.driver).all('pragma user_version', [])).toEqual([
        { user_version: sqliteMigrations.length },
      ])
      expect(await db.store.get('alice', s.id)).toEqual(s)
      expect(await db.queue.size()).toBe(3)
      expect(await db.queue.nextDueAt()).toBe(100)
      // The message of a pending job is in the log, as the job had it.
      expect(await db.queue.getMessage('alice', first.message_id)).toEqual({
        id: first.message_id,
        owner: 'alice',
        event: first.event,
        body: first.body,
        created_at: 100,
        idempotency_key: null,
        deliveries: [
          {
            id: first.id,
            message_id: first.message_id,
            subscription_id: s.id,
            status: 'pending',
            attempts: 0,
            updated_at: 100,
          },
          {
            id: second.id,
            message_id: first.message_id,
            subscription_id: 'sub_2',
            status: 'pending',
            attempts: 0,
            updated_at: 100,
          },
        ].sort((a, b) => (a.subscription_id < b.subscription_id ? -1 : 1)),
      })
      expect(await db.queue.claim(1000, 10, 1000)).toEqual([first, second, later])
      await db.queue.complete(later.id, 'delivered')
      expect((await db.queue.getMessage('alice', later.message_id))?.deliveries).toEqual([
        expect.objectContaining({ status: 'delivered', attempts: 3 }),
      ])
      expect((await db.queue.listAttempts('alice', s.id, { limit: 10 })).items).toEqual([logged])
    } finally {
      await db.close()
    }
  })
})
