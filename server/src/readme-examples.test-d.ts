/**
 * The code samples of server/README.md, checked by `tsc` (never run): each section is one
 * function, so the samples stay true to the API. Keep them in step with the README.
 */
import { createServer } from 'node:http'
import { type Authenticate, createResthooks, memoryStore } from '@rh/server'
import { toNodeHandler } from '@rh/server/node'
import { postgres } from '@rh/server/postgres'
import { sqlite } from '@rh/server/sqlite'
import { manualClock, subscriptionStoreSuite } from '@rh/server/testing'
import postgresJs from 'postgres'

declare const Bun: {
  serve(options: { port?: number; fetch: (request: Request) => Promise<Response> }): unknown
}
declare const authenticate: Authenticate
declare const newSecret: string
declare const oldSecret: string

type Events = { 'post.created': { id: string; title: string } }

export async function intro() {
  const rh = createResthooks<Events>({
    // Who is calling? Every subscription belongs to the owner that created it; null answers 401.
    authenticate: (request) =>
      request.headers.get('authorization') === 'Bearer k1' ? 'acme' : null,
    events: ['post.created'],
  })
  Bun.serve({ port: 3000, fetch: rh.fetch }) // or Deno.serve(rh.fetch), or toNodeHandler(rh) on Node

  // Later, when a post is created: signed, delivered, retried until done.
  await rh.notify('acme', 'post.created', { id: 'p_1', title: 'Hello' })
  return rh
}

export async function node() {
  const rh = await intro()
  createServer(toNodeHandler(rh)).listen(3000)
}

export async function notifyAndResults() {
  const rh = await intro()
  const receipt = await rh.notify('acme', 'post.created', { id: 'p_2', title: 'Again' })
  // { message_id: 'msg_…', deliveries: 2 }: queued (durably, with a durable queue), not yet delivered

  for await (const result of rh.results()) {
    // delivered | retrying | failed | gone | disabled, with status, error and duration
    console.log(result.outcome, result.subscription_id, result.attempt, result.response_status)
  }

  await rh.close({ graceMs: 5_000 }) // stop, let attempts in flight finish, close queue and store
  return receipt
}

export function signing() {
  const perSubscription = createResthooks({ authenticate, signing: { perSubscription: 'v1a' } })
  const serverWide = createResthooks({ authenticate, signing: { secret: [newSecret, oldSecret] } })
  return [perSubscription, serverWide]
}

export function sqliteStorage() {
  const db = sqlite({ path: './rh.db' })
  const local = createResthooks({ store: db.store, queue: db.queue, authenticate })
  return local
}

export async function postgresStorage() {
  const db = postgres(postgresJs(process.env.DATABASE_URL!))
  await db.migrate() // versioned, idempotent, under an advisory lock
  const shared = createResthooks({ store: db.store, queue: db.queue, authenticate })
  return shared
}

export async function testing() {
  const clock = manualClock(Date.parse('2025-01-31T12:00:00Z'))
  const app = createResthooks({ clock, authenticate, allowPrivateTargets: true })
  await clock.advance(5_000) // the first retry runs now: no sleeps

  // In a vitest file: the conformance suite for a store (deliveryQueueSuite for a queue).
  subscriptionStoreSuite('memoryStore', async () => memoryStore())
  return app
}
