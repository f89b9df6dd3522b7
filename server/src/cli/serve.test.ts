import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Webhook } from 'standardwebhooks'
import { afterAll, describe, expect, it } from 'vitest'
import { exited, lineReader, signalChild, spawnTs } from '../../../test/spawn-ts'
import { startVerifyingReceiver as startReceiver } from '../testing/receiver'
import { jsonLogger } from './json-logger'
import { serve } from './serve'
import { parseServeConfig } from './serve-config'

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
      expect(start).toMatchObject({
        level: 'info',
        storage: 'sqlite',
        owners: 2,
        privateTargets: 'allowed',
      })
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
      const refusedLine = await lines.next((line) => json(line).msg === 'request.refused')
      expect(json(refusedLine)).toMatchObject({
        level: 'warn',
        status: 401,
        code: 'unauthorized',
        method: 'POST',
        route: '/events',
        owner: null,
      })
      expect(refusedLine).not.toContain('wrong')

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
    // One line that says what is wrong and where to look, not the whole help.
    expect(stderr.join('').trim().split('\n')).toEqual([
      expect.stringMatching(/^rh serve: --port must be .* \(see rh serve --help\)$/),
    ])
  })

  it.each([
    [['--retention', 'forever'], /--retention must be a duration/],
    [['--retry-schedule', 'svix'], /--retry-schedule must be one of go-resthooks, standard/],
    [['--ops-webhook', 'https://ops.example/rh'], /--ops-webhook needs a key to sign with/],
  ])('exits 2 on a bad recovery flag %j, before opening anything', async (argv, message) => {
    const child = spawnTs('server/src/cli/rh.ts', ['serve', ...argv, '--api-key', 'a:b'])
    const stderr: string[] = []
    child.stderr?.on('data', (chunk) => stderr.push(String(chunk)))
    expect(await exited(child)).toBe(2)
    expect(stderr.join('')).toMatch(message)
  })

  it('prints its version with --version', async () => {
    const child = spawnTs('server/src/cli/rh.ts', ['serve', '--version'])
    const stdout: string[] = []
    child.stdout?.on('data', (chunk) => stdout.push(String(chunk)))
    expect(await exited(child)).toBe(0)
    expect(stdout.join('')).toMatch(/^rh \d+\.\d+\.\d+\n$/)
  })
})

describe('rh serve --retry-delay', () => {
  it('retries a failed delivery on the short schedule it was given, with the same webhook-id', async () => {
    // A receiver that fails the first delivery with 500 and takes the second.
    const arrivals: { id: string; at: number; status: number }[] = []
    let settle = () => {}
    const retried = new Promise<void>((resolve) => {
      settle = resolve
    })
    const target = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk) => {
        body += chunk
      })
      request.on('end', () => {
        const parsed = JSON.parse(body) as { type: string; data: { challenge?: string } }
        if (parsed.type === 'rh.handshake') {
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(JSON.stringify({ challenge: parsed.data.challenge }))
          return
        }
        const status = arrivals.length === 0 ? 500 : 204
        arrivals.push({ id: String(request.headers['webhook-id']), at: Date.now(), status })
        response.writeHead(status).end()
        if (status === 204) settle()
      })
    })
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve))
    const targetUrl = `http://127.0.0.1:${(target.address() as AddressInfo).port}/hooks`

    const config = parseServeConfig(
      [
        ...['--port', '0', '--data', join(dir, 'retry.db'), '--allow-private-targets'],
        ...['--api-key', 'acme:k', '--retries', '1', '--retry-delay', '50', '--retry-factor', '1'],
      ],
      {},
    )
    if (config === null) throw new Error('no config')
    // The attempt log is read once the service reports the delivery settled, not when the
    // receiver answered: the attempt is recorded after the response arrives.
    let settled!: () => void
    const delivered = new Promise<void>((resolve) => {
      settled = resolve
    })
    const log = jsonLogger((line) => {
      const entry = JSON.parse(line) as { msg: string; outcome?: string }
      if (entry.msg === 'delivery' && entry.outcome === 'delivered') settled()
    })
    const service = await serve(config, { log })
    try {
      const auth = { authorization: 'Bearer k', 'content-type': 'application/json' }
      const created = await fetch(`${service.url}/subscriptions`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ target_url: targetUrl, events: ['invoice.paid'] }),
      })
      const { id } = (await created.json()) as { id: string }
      await fetch(`${service.url}/events`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ event: 'invoice.paid', data: { id: 'inv_1' } }),
      })
      await retried
      await delivered
      const [first, second] = arrivals
      expect(arrivals.map((arrival) => arrival.status)).toEqual([500, 204])
      expect(second?.id).toBe(first?.id)
      // The default schedule would wait 5 s (±10 %) before this retry.
      expect((second?.at ?? 0) - (first?.at ?? 0)).toBeLessThan(4000)
      const attempts = await fetch(`${service.url}/subscriptions/${id}/attempts`, {
        headers: auth,
      })
      const { data } = (await attempts.json()) as { data: { attempt: number; outcome: string }[] }
      expect(data.map((attempt) => [attempt.attempt, attempt.outcome])).toEqual([
        [2, 'delivered'],
        [1, 'failed'],
      ])
    } finally {
      await service.close({ graceMs: 1000 })
      await new Promise<void>((resolve) => target.close(() => resolve()))
    }
  })
})
