import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { crashSecret, expectNothingLost, startCrashChild } from '../../../test/crash'
import { startVerifyingReceiver as startReceiver } from '../testing/receiver'

const dir = mkdtempSync(join(tmpdir(), 'rh-crash-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('sqlite crash safety', () => {
  it('delivers every accepted notification after a SIGKILL mid-burst and a restart', async () => {
    const receiver = await startReceiver({ secret: crashSecret })
    const args = ['--sqlite', join(dir, 'crash.db'), '--target', receiver.url]
    try {
      const first = await startCrashChild(args)
      // An endless burst in practice: the kill always lands with notifications in flight.
      first.burst(0, 5000)
      // Kill it while it is both accepting and delivering.
      await first.acceptedAtLeast(100)
      await receiver.waitFor((r) => r.deliveries.length > 0)
      expect(await first.kill('SIGKILL')).toBe('SIGKILL')
      const accepted = [...first.accepted]
      expect(accepted.length).toBeLessThan(5000)

      // The restarted server runs after the dead one's leases ran out: its clock is ahead.
      const second = await startCrashChild([...args, '--clock-offset', '61000'])
      await receiver.waitFor((r) => accepted.every((id) => r.ids().has(id)))
      expect(await second.kill('SIGTERM'), second.stderr()).toBe(0)
      expectNothingLost(receiver.deliveries, accepted, expect)
    } finally {
      await receiver.close()
    }
  }, 60_000)
})
