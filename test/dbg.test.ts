import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crashSecret, startCrashChild } from '/work/main/test/crash'
import { startReceiver } from '/work/main/test/receiver'

const dir = mkdtempSync(join(tmpdir(), 'rh-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sqlite crash safety', () => {
  it('delivers every accepted notification after the server is SIGKILLed mid-burst and restarted', async () => {
    const receiver = await startReceiver({ secret: crashSecret })
    const args = ['--sqlite', join(dir, 'crash.db'), '--target', receiver.url]
    try {
      const first = await startCrashChild(args)
      for (let n = 0; n < 400; n++) first.notify(n)
      // Kill it while it is both accepting and delivering.
      await first.acceptedAtLeast(100)
      await receiver.waitFor((r) => r.deliveries.length > 0)
      expect(await first.kill('SIGKILL')).toBe('SIGKILL')
      const accepted = [...first.accepted]
      expect(accepted.length).toBeGreaterThanOrEqual(100)

      const second = await startCrashChild(args)
      const { openSqlite } = await import('/work/main/server/src/sqlite/open-sqlite'); const d = await openSqlite(args[1]); const show = () => console.log('now', Date.now(), JSON.stringify(d.all('select count(*) n, attempt, min(available_at) a, max(available_at) b from rh_jobs group by attempt', [])), JSON.stringify(d.all('select attempt, outcome, response_status, error, count(*) n from rh_attempts group by 1,2,3,4', []))); show(); for (let i=0;i<6;i++) { await new Promise(r => setTimeout(r, 3000)); show() }; await receiver.waitFor((r) => accepted.every((id) => r.ids().has(id)))
      expect(await second.kill('SIGTERM')).toBe(0)

      // Nothing lost; a repeat is only ever the same notification with the same webhook-id.
      const bodies = new Map<string, string>()
      for (const delivery of receiver.deliveries) {
        expect(delivery.verified).toBe(true)
        expect(bodies.get(delivery.id) ?? delivery.body).toBe(delivery.body)
        bodies.set(delivery.id, delivery.body)
      }
      const items = new Set([...bodies.values()].map((body) => JSON.parse(body).data.n))
      expect(items.size).toBe(bodies.size)
    } finally {
      await receiver.close()
    }
  }, 60_000)
})
