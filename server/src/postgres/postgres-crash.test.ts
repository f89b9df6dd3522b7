import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { crashSecret, expectNothingLost, startCrashChild } from '../../../test/crash'
import { postgresUrl, testSchema } from '../../../test/postgres'
import { startVerifyingReceiver as startReceiver } from '../testing/receiver'
import { migrate } from './migrate'

let db: Awaited<ReturnType<typeof testSchema>>
beforeAll(async () => {
  db = await testSchema()
  await migrate(db.sql)
})
afterAll(() => db.drop())

describe('postgres crash safety', () => {
  it('loses nothing when one of three servers sharing the database is SIGKILLed mid-burst', async () => {
    const receiver = await startReceiver({ secret: crashSecret })
    const url = `${postgresUrl}?search_path=${db.schema}`
    const args = ['--postgres', url, '--target', receiver.url]
    try {
      const servers = await Promise.all([1, 2, 3].map(() => startCrashChild(args)))
      const [victim, ...survivors] = servers as [(typeof servers)[0], ...typeof servers]
      // The victim's burst is endless in practice, so the kill lands with notifications in flight.
      victim.burst(0, 5000)
      for (const [i, server] of survivors.entries()) server.burst((i + 1) * 10_000, 100)
      await victim.acceptedAtLeast(30)
      await receiver.waitFor((r) => r.deliveries.length > 0)
      expect(await victim.kill('SIGKILL')).toBe('SIGKILL')
      expect(victim.accepted.length).toBeLessThan(5000)

      // The survivors finish their own burst; then their clocks move past the victim's leases
      // (as if a minute had passed) and they take over its jobs.
      await Promise.all(survivors.map((server) => server.acceptedAtLeast(100)))
      for (const server of survivors) server.advance(61_000)
      const accepted = servers.flatMap((server) => server.accepted)
      expect(accepted.length).toBeGreaterThanOrEqual(230)
      await receiver.waitFor((r) => accepted.every((id) => r.ids().has(id)))
      for (const server of survivors) {
        expect(await server.kill('SIGTERM'), server.stderr()).toBe(0)
      }

      expectNothingLost(receiver.deliveries, accepted, expect)
    } finally {
      await receiver.close()
    }
  }, 60_000)
})
