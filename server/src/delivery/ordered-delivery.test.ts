import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { generateSecret } from '@rh/protocol'
import { afterEach, describe, expect, it } from 'vitest'
import type { DeliveryQueue } from '../queue/delivery-queue'
import { memoryQueue } from '../queue/memory-queue'
import { sqlite } from '../sqlite/index'
import { memoryStore } from '../store/memory-store'
import type { SubscriptionStore } from '../store/subscription-store'
import { subscription } from '../testing/factories'
import { manualClock } from '../testing/manual-clock'
import { type Received, startReceiver } from '../testing/receiver'
import { createDeliveryEngine } from './create-delivery-engine'
import { createSigners } from './signing'
import { createTransport } from './transports/create-transport'
import type { DeliveryResult } from './types'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

interface Storage {
  store: SubscriptionStore
  queue: DeliveryQueue
}

const backends: Array<[string, () => Promise<Storage>]> = [
  ['memory', async () => ({ store: memoryStore(), queue: memoryQueue() })],
  [
    'sqlite',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'rh-ordered-'))
      const db = sqlite({ path: join(dir, 'rh.db') })
      await db.migrate()
      cleanups.push(async () => {
        await db.close?.()
        rmSync(dir, { recursive: true, force: true })
      })
      return { store: db.store, queue: db.queue }
    },
  ],
]

/**
 * A receiver at `/<path>` that holds each answer a moment (so overlapping deliveries of one
 * subscription would be seen), records `data.n` per path in arrival order, and notes any
 * request that came while another of its path was unanswered. `fail(path, n)` says how a
 * request is answered (a status).
 */
async function sequenceReceiver(answer: (path: string, n: number) => number = () => 204) {
  const seen = new Map<string, number[]>()
  const open = new Map<string, number>()
  const overlaps: string[] = []
  const receiver = await startReceiver((_request, response, received: Received) => {
    const n = JSON.parse(received.body).data.n as number
    const path = received.path
    const list = seen.get(path) ?? []
    list.push(n)
    seen.set(path, list)
    const inFlight = (open.get(path) ?? 0) + 1
    open.set(path, inFlight)
    if (inFlight > 1 && path.startsWith('/fifo')) overlaps.push(`${path} #${n}`)
    response.on('close', () => open.set(path, (open.get(path) ?? 1) - 1))
    setTimeout(() => response.writeHead(answer(path, n)).end(), 2)
  })
  cleanups.push(() => receiver.close())
  return { receiver, seen: (path: string) => seen.get(path) ?? [], overlaps }
}

/** A started engine over `storage` on a manual clock, with retries after 1 s, no jitter. */
function engineOver({ store, queue }: Storage, retries = 1) {
  const clock = manualClock(Math.floor(Date.now() / 1000) * 1000)
  const transport = createTransport({ allowPrivateTargets: true, connections: 64 })
  const engine = createDeliveryEngine({
    store,
    queue,
    clock,
    transport,
    signers: createSigners({ secret: generateSecret() }),
    allowPrivateTargets: true,
    retry: { retries, initialDelay: 1000, factor: 1, jitter: 0 },
    // One host for every subscription: room for all, so no job is put back to a later time.
    concurrency: { global: 64, perHost: 64 },
  })
  const stream = engine.results()[Symbol.asyncIterator]()
  const results: DeliveryResult[] = []
  const waiters = new Set<() => void>()
  void (async () => {
    for (;;) {
      const { done, value } = await stream.next()
      if (done) return
      results.push(value)
      for (const waiter of waiters) waiter()
    }
  })()
  /** Resolves once `check(results)` holds. */
  const until = (check: (all: DeliveryResult[]) => boolean) =>
    new Promise<void>((resolve) => {
      const look = () => {
        if (!check(results)) return
        waiters.delete(look)
        resolve()
      }
      waiters.add(look)
      look()
    })
  cleanups.push(async () => {
    await engine.close({ graceMs: 0 })
    await transport.close?.()
  })
  engine.start()
  return { engine, clock, results, until }
}

async function subscribe(store: SubscriptionStore, target: string, fifo: boolean) {
  const created = subscription({
    target_url: target,
    events: ['item'],
    ...(fifo ? { ordering: 'fifo' as const } : {}),
  })
  await store.create(created)
  return created
}

describe.each(backends)('ordered delivery (%s)', (_name, open) => {
  it('delivers each fifo subscription one message at a time, in order, beside unordered ones', async () => {
    const storage = await open()
    const { receiver, seen, overlaps } = await sequenceReceiver()
    const lines = ['/fifo/0', '/fifo/1', '/fifo/2']
    for (const path of lines) await subscribe(storage.store, receiver.url + path, true)
    await subscribe(storage.store, `${receiver.url}/plain`, false)
    const { engine, until } = engineOver(storage)
    const count = 40
    // Accepted together, as a burst: the lines still go out in acceptance order.
    await Promise.all(
      Array.from({ length: count }, (_, n) => engine.notify('alice', 'item', { n })),
    )
    await until((all) => all.filter((r) => r.outcome === 'delivered').length === 4 * count)
    const accepted = [...Array(count).keys()]
    const messages = await storage.queue.listMessages('alice', { limit: 100 })
    // Acceptance order is message order (the notify calls' order): newest first in the log.
    const order = messages.items
      .slice()
      .reverse()
      .map((m) => JSON.parse(m.body).data.n)
    expect(order.slice().sort((a, b) => a - b)).toEqual(accepted)
    for (const path of lines) expect(seen(path)).toEqual(order)
    expect(overlaps).toEqual([])
    expect(
      seen('/plain')
        .slice()
        .sort((a, b) => a - b),
    ).toEqual(accepted)
  })

  it('holds the line behind a retry, and skips a message once its last retry failed', async () => {
    const storage = await open()
    // Message 1 always fails on the line: first a retry (the line waits), then a dead letter.
    const { receiver, seen, overlaps } = await sequenceReceiver((path, n) =>
      path === '/fifo' && n === 1 ? 500 : 204,
    )
    const line = await subscribe(storage.store, `${receiver.url}/fifo`, true)
    await subscribe(storage.store, `${receiver.url}/plain`, false)
    const { engine, clock, until } = engineOver(storage)
    for (let n = 0; n < 4; n++) await engine.notify('alice', 'item', { n })
    await until((all) => all.some((r) => r.outcome === 'retrying'))
    // The unordered subscription gets everything meanwhile; the line is held behind message 1.
    await until((all) => all.filter((r) => r.outcome === 'delivered').length >= 5)
    expect(seen('/plain')).toHaveLength(4)
    expect(seen('/fifo')).toEqual([0, 1])
    expect(await storage.queue.size()).toBe(3)

    await clock.advance(1000)
    await until((all) => all.filter((r) => r.outcome === 'delivered').length === 7)
    expect(seen('/fifo')).toEqual([0, 1, 1, 2, 3])
    expect(overlaps).toEqual([])
    const failed = await storage.queue.listSubscriptionMessages('alice', line.id, {
      status: 'failed',
      limit: 10,
    })
    expect(failed.items.map((m) => JSON.parse(m.body).data.n)).toEqual([1])
  })
})
