import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { jsonLogger } from '../cli/json-logger'
import { serve } from '../cli/serve'
import { parseServeConfig } from '../cli/serve-config'
import { agree, startHookReceiver } from '../testing/receiver'

const dir = mkdtempSync(join(tmpdir(), 'rh-metrics-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line === undefined ? undefined : Number(line.slice(series.length + 1))
}

async function startService(flags: string[]) {
  const config = parseServeConfig(
    [
      '--port',
      '0',
      '--data',
      join(dir, `rh-${flags.length}.db`),
      '--api-key',
      'acme:k',
      '--allow-private-targets',
      '--retries',
      '0',
      ...flags,
    ],
    {},
  )
  if (config === null) throw new Error('no config')
  const outcomes: string[] = []
  const waiters: (() => void)[] = []
  const log = jsonLogger((line) => {
    const entry = JSON.parse(line) as { msg: string; outcome?: string }
    if (entry.msg !== 'delivery' || entry.outcome === undefined) return
    outcomes.push(entry.outcome)
    for (const wake of waiters.splice(0)) wake()
  })
  const service = await serve(config, { log })
  const settled = async (count: number) => {
    while (outcomes.length < count) await new Promise<void>((resolve) => waiters.push(resolve))
  }
  return { service, outcomes, settled }
}

const auth = { authorization: 'Bearer k', 'content-type': 'application/json' }

describe('rh serve --metrics', () => {
  it('exposes exact delivery counts, the queue and subscriptions by status at GET /metrics', async () => {
    const ok = await startHookReceiver()
    const broken = await startHookReceiver((hook) =>
      agree(hook).status === 200 ? agree(hook) : { status: 500 },
    )
    const { service, outcomes, settled } = await startService(['--metrics'])
    try {
      const ids: string[] = []
      for (const target of [ok.url, ok.url, ok.url, broken.url, ok.url]) {
        const created = await fetch(`${service.url}/subscriptions`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ target_url: target, events: ['invoice.paid'] }),
        })
        expect(created.status).toBe(201)
        ids.push(((await created.json()) as { id: string }).id)
      }
      const paused = await fetch(`${service.url}/subscriptions/${ids[4]}`, {
        method: 'PATCH',
        headers: auth,
        body: JSON.stringify({ status: 'paused' }),
      })
      expect(paused.status).toBe(200)
      const published = await fetch(`${service.url}/events`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ event: 'invoice.paid', data: { id: 'inv_1' } }),
      })
      expect(published.status).toBe(202)
      await settled(4)
      expect(outcomes.sort()).toEqual(['delivered', 'delivered', 'delivered', 'failed'])

      // No API key: a scraper reads it like /health.
      const response = await fetch(`${service.url}/metrics`)
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
      const text = await response.text()
      expect(sample(text, 'rh_delivery_attempts_total{outcome="delivered"}')).toBe(3)
      expect(sample(text, 'rh_delivery_attempts_total{outcome="failed"}')).toBe(1)
      expect(sample(text, 'rh_delivery_attempt_duration_seconds_count')).toBe(4)
      expect(sample(text, 'rh_queue_depth')).toBe(0)
      expect(sample(text, 'rh_queue_oldest_due_age_seconds')).toBe(0)
      expect(sample(text, 'rh_subscriptions{status="active"}')).toBe(4)
      expect(sample(text, 'rh_subscriptions{status="paused"}')).toBe(1)
      expect(sample(text, 'rh_subscriptions{status="disabled"}')).toBe(0)
    } finally {
      await service.close({ graceMs: 1000 })
      await ok.close()
      await broken.close()
    }
  })

  it('does not serve /metrics without the flag', async () => {
    const { service } = await startService([])
    try {
      const response = await fetch(`${service.url}/metrics`)
      expect(response.status).toBe(404)
    } finally {
      await service.close({ graceMs: 1000 })
    }
  })
})
