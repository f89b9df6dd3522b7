import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../server/src/testing/receiver'
import { crashSecret } from './crash'
import { postgresUrl, testSchema } from './postgres'
import { lineReader, signalChild, spawnTs } from './spawn-ts'

// Issue 13: a replay survives a SIGKILL midway. A child server replays N dead letters to a
// receiver that is back from an outage, is killed while the replay is being delivered, and a
// second server on the same database finishes it: every replayed message arrives.

const N = 200
const dir = mkdtempSync(join(tmpdir(), 'rh-replay-crash-'))
const schemas: Awaited<ReturnType<typeof testSchema>>[] = []
afterAll(async () => {
  await Promise.all(schemas.map((schema) => schema.drop()))
  rmSync(dir, { recursive: true, force: true })
})

/** A receiver that answers 500 while down; when up, 204 after a few ms, recording what came. */
async function startOutageReceiver() {
  const webhook = new Webhook(crashSecret)
  const state = { up: false, ids: new Set<string>(), unverified: 0 }
  const receiver = await startReceiver((_, response, received) => {
    if (!state.up) {
      response.writeHead(500).end()
      return
    }
    try {
      webhook.verify(received.body, received.headers)
      state.ids.add(String(received.headers['webhook-id']))
    } catch {
      state.unverified++
    }
    // A slow receiver, so the kill lands with most of the replay still to deliver.
    setTimeout(() => response.writeHead(204).end(), 5)
  })
  return { state, url: `${receiver.url}/hooks`, close: receiver.close }
}

/** One child server of `test/fixtures/replay-crash-child.ts`. */
async function startChild(args: string[]) {
  const child = spawnTs('test/fixtures/replay-crash-child.ts', [...args, '--secret', crashSecret])
  let stderr = ''
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk
  })
  const lines = lineReader(child)
  await lines
    .next((line) => line === 'ready')
    .catch((error: Error) => {
      throw new Error(`the child did not start: ${stderr}`, { cause: error })
    })
  const send = (line: string) => void child.stdin?.write(`${line}\n`)
  return {
    lines,
    send,
    stderr: () => stderr,
    kill: (signal: NodeJS.Signals) => signalChild(child, signal),
    /** Asks `failed` until the answer is `count`. */
    async failedReaches(count: number) {
      for (;;) {
        send('failed')
        const line = await lines.next((l) => l.startsWith('failed '))
        if (Number(line.slice('failed '.length)) === count) return
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
}

/** Resolves once `predicate` holds, checked every 10 ms. */
async function until(predicate: () => boolean) {
  while (!predicate()) await new Promise((resolve) => setTimeout(resolve, 10))
}

const storages: Record<string, () => Promise<string[]>> = {
  sqlite: async () => ['--sqlite', join(dir, 'replay.db')],
  postgres: async () => {
    const db = await testSchema()
    schemas.push(db)
    // The child migrates the schema itself.
    return ['--postgres', `${postgresUrl}?search_path=${db.schema}`]
  },
}

describe.each(Object.keys(storages))('replay crash safety on %s', (name) => {
  it('delivers every replayed message after a SIGKILL midway and a second server', async () => {
    const receiver = await startOutageReceiver()
    try {
      const args = [...(await storages[name]!()), '--target', receiver.url]
      const first = await startChild(args)
      // The outage: N notifications, each a dead letter after its one failed attempt.
      for (let n = 0; n < N; n++) first.send(`notify ${n}`)
      const accepted = new Set<string>()
      for (let n = 0; n < N; n++) {
        const line = await first.lines.next((l) => l.startsWith('accepted '))
        accepted.add(line.split(' ')[2] as string)
      }
      await first.failedReaches(N)

      // The receiver is back; the replay is durable once `replayed` is printed.
      receiver.state.up = true
      first.send('replay')
      expect(await first.lines.next((l) => l.startsWith('replayed '))).toBe(`replayed ${N}`)
      await until(() => receiver.state.ids.size >= 10)
      expect(await first.kill('SIGKILL')).toBe('SIGKILL')
      const atKill = receiver.state.ids.size
      expect(atKill).toBeLessThan(N)

      // A second server after the dead one's leases ran out finishes the replay.
      const second = await startChild([...args, '--clock-offset', '61000'])
      await until(() => receiver.state.ids.size >= N)
      expect(await second.kill('SIGTERM'), second.stderr()).toBe(0)
      expect(receiver.state.unverified).toBe(0)
      expect([...receiver.state.ids].filter((id) => !accepted.has(id))).toEqual([])
      expect(receiver.state.ids.size).toBe(N)
    } finally {
      await receiver.close()
    }
  }, 60_000)
})
