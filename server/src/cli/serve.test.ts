import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'
import { startReceiver } from '../../../test/receiver'
import { exited, lineReader, signalChild, spawnTs } from '../../../test/spawn-ts'

const dir = mkdtempSync(join(tmpdir(), 'rh-serve-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const json = (line: string) => JSON.parse(line) as Record<string, unknown>

describe('rh serve', () => {
  it('serves health, subscriptions and publishing, delivers, and exits 0 on SIGTERM', async () => {
    const receiver = await startReceiver()
    const child = spawnTs(
      'server/src/cli/rh.ts',
      ['serve', '--port', '0', '--data', join(dir, 'rh.db'), '--allow-private-targets'],
      { RH_API_KEYS: 'acme:acme-key,globex:globex-key' },
    )
    const stderr: string[] = []
    child.stderr?.on('data', (chunk) => stderr.push(String(chunk)))
    const lines = lineReader(child)
    const logged = (msg: string) => lines.next((line) => json(line).msg === msg).then(json)
    try {
      const start = await logged('start')
      expect(start).toMatchObject({ level: 'info', storage: 'sqlite', owners: 2 })
      const url = String(start.url)
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

      expect(await (await fetch(`${url}/health`)).json()).toEqual({ status: 'ok' })

      const auth = { authorization: 'Bearer acme-key', 'content-type': 'application/json' }
      const created = await fetch(`${url}/subscriptions`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ target_url: receiver.url, events: ['invoice.paid'] }),
      })
      expect(created.status).toBe(201)
      const subscription = (await created.json()) as { id: string; secret: string }
      expect(subscription.secret).toMatch(/^whsec_/)
      expect(await logged('subscription.created')).toMatchObject({
        owner: 'acme',
        id: subscription.id,
      })

      const unauthorized = await fetch(`${url}/events`, {
        method: 'POST',
        headers: { ...auth, authorization: 'Bearer wrong' },
        body: JSON.stringify({ event: 'invoice.paid', data: {} }),
      })
      expect(unauthorized.status).toBe(401)

      const published = await fetch(`${url}/events`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ owner: 'acme', event: 'invoice.paid', data: { id: 'inv_1' } }),
      })
      expect(published.status).toBe(202)
      const { message_id } = (await published.json()) as { message_id: string }
      await receiver.waitFor((r) => r.ids().has(message_id))
      const delivery = receiver.deliveries.find((d) => d.id === message_id)
      // Signed with the subscription's own secret, checked by an independent library.
      const webhook = new Webhook(subscription.secret)
      expect(
        webhook.verify(delivery?.body ?? '', delivery?.headers as Record<string, string>),
      ).toMatchObject({ type: 'invoice.paid' })
      expect(JSON.parse(delivery?.body ?? '{}')).toMatchObject({
        type: 'invoice.paid',
        data: { id: 'inv_1' },
      })
      expect(await logged('delivery')).toMatchObject({ message_id, outcome: 'delivered' })

      // Another owner's key sees none of acme's subscriptions.
      const others = await fetch(`${url}/subscriptions`, {
        headers: { authorization: 'Bearer globex-key' },
      })
      expect(await others.json()).toEqual({ data: [], next_cursor: null })

      expect(await signalChild(child, 'SIGTERM'), stderr.join('')).toBe(0)
      expect(lines.lines.map((line) => json(line).msg)).toContain('shutdown')
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await receiver.close()
    }
  })

  it('exits 2 with the usage when the command line is wrong', async () => {
    const child = spawnTs('server/src/cli/rh.ts', ['serve', '--port', 'abc', '--api-key', 'a:b'])
    const stderr: string[] = []
    child.stderr?.on('data', (chunk) => stderr.push(String(chunk)))
    expect(await exited(child)).toBe(2)
    expect(stderr.join('')).toMatch(/--port must be an integer/)
  })
})
