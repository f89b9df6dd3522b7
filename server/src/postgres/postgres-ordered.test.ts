import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startCrashChild } from '../../../test/crash'
import { postgresUrl, testSchema } from '../../../test/postgres'
import { job } from '../testing/factories'
import { startReceiver } from '../testing/receiver'
import { migrate } from './migrate'
import { lineDue, linesCte, postgresQueue } from './postgres-queue'
import { postgresStore } from './postgres-store'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())

/**
 * A receiver that records the `webhook-id`s each path gets, in arrival order, holds each answer
 * a moment (so two deliveries of one line at once would overlap), and notes every request that
 * came while another message of its path was unanswered (with those). The same message again
 * while its first request is open is no overlap: it is the crashed server's delivery sent
 * again, whose connection the receiver may not have seen close yet (at least once).
 */
async function lineReceiver() {
  const seen = new Map<string, string[]>()
  const open = new Map<string, string[]>()
  const overlaps: string[] = []
  const receiver = await startReceiver((_request, response, received) => {
    const id = received.headers['webhook-id'] as string
    const path = received.path
    const list = seen.get(path) ?? []
    list.push(id)
    seen.set(path, list)
    const unanswered = open.get(path) ?? []
    const others = unanswered.filter((other) => other !== id)
    if (path.startsWith('/fifo') && others.length > 0) {
      overlaps.push(`${path} ${id} while ${others.join(', ')}`)
    }
    unanswered.push(id)
    open.set(path, unanswered)
    response.on('close', () => unanswered.splice(unanswered.indexOf(id), 1))
    setTimeout(() => response.writeHead(204).end(), 2)
  })
  return { receiver, seen: (path: string) => seen.get(path) ?? [], overlaps }
}

/** `ids` with runs of one id (a repeat after a crash) made one. */
const collapsed = (ids: readonly string[]) => ids.filter((id, i) => id !== ids[i - 1])

describe('postgres ordered delivery', () => {
  it('claims the heads of lines by index, never by a sequential scan', async () => {
    const queue = postgresQueue(db.sql)
    try {
      const lines = Array.from({ length: 50 }, (_, i) => `sub_line_${String(i).padStart(3, '0')}`)
      await queue.enqueue(
        lines.flatMap((sub) =>
          Array.from({ length: 40 }, (_, n) => job(n, { subscription_id: sub, fifo: true })),
        ),
      )
      await queue.enqueue(Array.from({ length: 2000 }, (_, i) => job(i)))
      await db.sql`analyze rh_jobs`
      // The queue's own fragments, so the plan checked is the plan of the statement it sends.
      const plan = await db.sql`
        explain ${linesCte(db.sql)}
        select sid, ${lineDue(db.sql, db.sql`lines.sid`)} from lines where sid is not null`
      const text = JSON.stringify(plan)
      expect(text).not.toMatch(/Seq Scan on rh_jobs/)
      expect(text).toMatch(/rh_jobs_line/)
      const claimed = await queue.claim(100_000, 100, 1000)
      // One head per line (the first message of each), beside 50 unordered jobs.
      const heads = claimed.filter((j) => j.fifo)
      expect(heads.map((j) => j.subscription_id).sort()).toEqual(lines)
      expect(claimed).toHaveLength(100)
    } finally {
      await queue.close?.()
      await db.sql`delete from rh_jobs`
    }
  })

  it('delivers each line in order, one at a time, with three servers and one SIGKILLed', async () => {
    const { receiver, seen, overlaps } = await lineReceiver()
    const store = postgresStore(db.sql)
    const paths = [0, 1, 2, 3, 4].map((k) => `/fifo/${k}`)
    const at = new Date().toISOString()
    for (const [k, path] of paths.entries()) {
      // The crash children notify `burst.item` as `crash-owner`: these lines get every item.
      await store.create({
        id: `sub_01J9Z8Q4B7M2X5R8T1V3W6Y9F${k}`,
        owner: 'crash-owner',
        target_url: receiver.url + path,
        events: ['burst.item'],
        status: 'active',
        metadata: {},
        secret: null,
        consecutive_failures: 0,
        created_at: at,
        updated_at: at,
        ordering: 'fifo',
      })
    }
    const url = `${postgresUrl}?search_path=${db.schema}`
    const args = ['--postgres', url, '--target', `${receiver.url}/plain`]
    try {
      // The victim's leases are short: once it is killed, the survivors take its lines over
      // within 2 s, on their own clocks (no clock jumps, so no lease of a live server runs out).
      const servers = await Promise.all([
        startCrashChild([...args, '--lease-ms', '2000']),
        startCrashChild(args),
        startCrashChild(args),
      ])
      const [victim, ...survivors] = servers
      victim.burst(0, 5000)
      for (const [i, server] of survivors.entries()) server.burst((i + 1) * 10_000, 60)
      await victim.acceptedAtLeast(30)
      await new Promise<void>((resolve) => {
        const look = () =>
          paths.every((p) => seen(p).length >= 5) ? resolve() : setTimeout(look, 5)
        look()
      })
      expect(await victim.kill('SIGKILL')).toBe('SIGKILL')

      await Promise.all(survivors.map((server) => server.acceptedAtLeast(60)))
      const accepted = servers.flatMap((server) => server.accepted)
      await new Promise<void>((resolve) => {
        const look = () =>
          paths.every((p) => {
            const got = new Set(seen(p))
            return accepted.every((id) => got.has(id))
          })
            ? resolve()
            : setTimeout(look, 10)
        look()
      })
      for (const server of survivors) {
        expect(await server.kill('SIGTERM'), server.stderr()).toBe(0)
      }

      expect(overlaps).toEqual([])
      for (const path of paths) {
        const ids = collapsed(seen(path))
        // Never sent again once the next went out (a repeat is only the same delivery again).
        expect(new Set(ids).size).toBe(ids.length)
        const position = new Map(ids.map((id, i) => [id, i]))
        for (const server of servers) {
          // Each server's messages in the order it accepted them (its ids grow).
          const mine = server.accepted.filter((id) => position.has(id))
          expect(mine).toHaveLength(server.accepted.length)
          const received = [...mine].sort((a, b) => (position.get(a) ?? 0) - (position.get(b) ?? 0))
          expect(received).toEqual([...mine].sort())
        }
      }
    } finally {
      await receiver.close()
    }
  }, 90_000)
})
