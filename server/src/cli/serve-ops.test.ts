import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { agree, isHandshake, startHookReceiver, startVerifyingReceiver } from '../testing/receiver'
import { jsonLogger } from './json-logger'
import { OPS_OWNER } from './ops-webhook'
import { serve } from './serve'
import { parseServeConfig } from './serve-config'

const dir = mkdtempSync(join(tmpdir(), 'rh-serve-ops-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const opsSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
const auth = { authorization: 'Bearer k', 'content-type': 'application/json' }

/** A service on a fresh SQLite file, and its log lines as objects. */
async function start(argv: string[], file: string) {
  const config = parseServeConfig(
    [
      '--port',
      '0',
      '--data',
      join(dir, file),
      '--allow-private-targets',
      '--api-key',
      'acme:k',
      ...argv,
    ],
    {},
  )
  if (config === null) throw new Error('no config')
  const lines: Record<string, unknown>[] = []
  const waiters = new Set<() => void>()
  const service = await serve(config, {
    log: jsonLogger((line) => {
      lines.push(JSON.parse(line) as Record<string, unknown>)
      for (const waiter of waiters) waiter()
    }),
  })
  /** Resolves once the log lines satisfy `condition` (checked on every line). */
  const until = (condition: () => boolean) =>
    new Promise<void>((resolve) => {
      const check = () => {
        if (!condition()) return
        waiters.delete(check)
        resolve()
      }
      waiters.add(check)
      check()
    })
  return { service, lines, until }
}

async function subscribe(url: string, target: string): Promise<string> {
  const created = await fetch(`${url}/subscriptions`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ target_url: target, events: ['invoice.paid'] }),
  })
  expect(created.status).toBe(201)
  return ((await created.json()) as { id: string }).id
}

const publish = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/events`, {
    method: 'POST',
    headers: { ...auth, ...headers },
    body: JSON.stringify({ event: 'invoice.paid', data: { id: 'inv_1' } }),
  })

describe('rh serve --ops-webhook', () => {
  it('delivers a signed delivery.exhausted to the operator when a message fails its last retry', async () => {
    const ops = await startVerifyingReceiver({ secret: opsSecret })
    const customer = await startHookReceiver((hook) =>
      isHandshake(hook) ? agree(hook) : { status: 500 },
    )
    const { service, lines } = await start(
      ['--retries', '0', '--ops-webhook', ops.url, '--ops-secret', opsSecret],
      'ops.db',
    )
    try {
      const subscriptionId = await subscribe(service.url, customer.url)
      const published = await publish(service.url)
      expect(published.status).toBe(202)
      const { message_id } = (await published.json()) as { message_id: string }

      await ops.waitFor((receiver) => receiver.deliveries.length > 0)
      const [delivery] = ops.deliveries
      // Signed with the ops secret, checked by the independent standardwebhooks library.
      expect(delivery?.verified).toBe(true)
      const body = JSON.parse(delivery?.body ?? '{}') as { type: string; data: unknown }
      expect(body).toMatchObject({
        type: 'delivery.exhausted',
        data: {
          type: 'delivery.exhausted',
          owner: 'acme',
          subscription_id: subscriptionId,
          message_id,
          event: 'invoice.paid',
          attempts: 1,
          response_status: 500,
        },
      })
      expect(delivery?.id).not.toBe(message_id)
      expect(lines).toContainEqual(
        expect.objectContaining({ msg: 'delivery.exhausted', level: 'warn', message_id }),
      )
      // The operator's subscription is no customer's: no API key lists it.
      const listed = await fetch(`${service.url}/subscriptions`, { headers: auth })
      expect(((await listed.json()) as { data: unknown[] }).data).toHaveLength(1)
      expect(lines.find((line) => line.msg === 'start')).toMatchObject({
        opsWebhook: new URL(ops.url).origin,
      })
    } finally {
      await service.close({ graceMs: 0 })
      await ops.close()
      await customer.close()
    }
  })

  it('never sends the ops subscription’s own failures round again, only logs them', async () => {
    const ops = await startHookReceiver(() => ({ status: 500 }))
    const customer = await startHookReceiver((hook) =>
      isHandshake(hook) ? agree(hook) : { status: 500 },
    )
    const { service, lines, until } = await start(
      ['--retries', '0', '--ops-webhook', ops.url, '--ops-secret', opsSecret],
      'ops-loop.db',
    )
    try {
      await subscribe(service.url, customer.url)
      await publish(service.url)
      const exhausted = () => lines.filter((line) => line.msg === 'delivery.exhausted')
      // The customer's message, then the ops message about it: both exhausted, and no third.
      await until(() => exhausted().length === 2)
      expect(exhausted().map((line) => line.owner)).toEqual(['acme', OPS_OWNER])
      await publish(service.url)
      await until(() => exhausted().length === 4)
      expect(ops.received).toHaveLength(2)
    } finally {
      await service.close({ graceMs: 0 })
      await ops.close()
      await customer.close()
    }
  })
})

describe('rh serve Idempotency-Key', () => {
  it('answers a repeated key with the first message id and delivers once', async () => {
    const customer = await startVerifyingReceiver()
    const { service } = await start([], 'idempotency.db')
    try {
      await subscribe(service.url, customer.url)
      const first = await publish(service.url, { 'idempotency-key': 'order-42/paid' })
      const again = await publish(service.url, { 'idempotency-key': 'order-42/paid' })
      const other = await publish(service.url, { 'idempotency-key': 'order-43/paid' })
      expect([first.status, again.status, other.status]).toEqual([202, 202, 202])
      const ids = await Promise.all(
        [first, again, other].map(
          async (r) => ((await r.json()) as { message_id: string }).message_id,
        ),
      )
      expect(ids[1]).toBe(ids[0])
      expect(ids[2]).not.toBe(ids[0])
      await customer.waitFor((receiver) => receiver.ids().has(ids[2] as string))
      await customer.waitFor((receiver) => receiver.ids().has(ids[0] as string))
      expect(customer.deliveries.map((delivery) => delivery.id).sort()).toEqual(
        [ids[0], ids[2]].sort(),
      )

      const bad = await publish(service.url, { 'idempotency-key': 'k'.repeat(256) })
      expect(bad.status).toBe(422)
      expect(await bad.json()).toMatchObject({ code: 'invalid_request' })
    } finally {
      await service.close({ graceMs: 0 })
      await customer.close()
    }
  })
})

describe('rh serve --retry-schedule standard', () => {
  it('starts with the Standard Webhooks schedule and says so', async () => {
    const { service, lines } = await start(
      ['--retry-schedule', 'standard', '--retention', '12h'],
      'standard.db',
    )
    try {
      expect(lines.find((line) => line.msg === 'start')).toMatchObject({
        retrySchedule: 'standard',
      })
    } finally {
      await service.close({ graceMs: 0 })
    }
  })
})
