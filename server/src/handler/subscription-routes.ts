import {
  type Attempt,
  CreateSubscriptionSchema,
  DEFAULT_PAGE_LIMIT,
  eventMatches,
  type Filter,
  isEventPattern,
  ListAttemptsQuerySchema,
  ListSubscriptionsQuerySchema,
  type Subscription,
  UpdateSubscriptionSchema,
} from '@rh/protocol'
import { lightJsonResponse } from '../../../internal/fast-path'
import type { Clock } from '../clock'
import type { DeliveryEngine } from '../delivery/types'
import { ResthooksError } from '../errors'
import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { AttemptRecord, DeliveryQueue } from '../queue/delivery-queue'
import type {
  StoredSubscription,
  SubscriptionPatch,
  SubscriptionStore,
} from '../store/subscription-store'
import { decodeCursor, encodeCursor } from './page-cursor'
import { parseInput } from './parse-input'
import type { TargetChecks } from './target-checks'

/** A key made for a new subscription: what is stored, and what the subscriber is shown once. */
export interface NewKey {
  secret: string
  /** The `whsec_` secret itself, or the `whpk_` public key of a `whsk_` signing key. */
  shown: string
}

/** What the routes need from `createResthooks`. */
export interface RouteContext {
  store: SubscriptionStore
  queue: DeliveryQueue
  clock: Clock
  engine: Pick<DeliveryEngine, 'cancel'>
  /** The SSRF guard and the handshake of a new or changed target. */
  checks: TargetChecks
  /** A per-subscription key, or `null` when the server signs with its own keys. */
  newKey(): NewKey | null | Promise<NewKey | null>
  /** The event allow-list, or `null` for any event. */
  events: ReadonlySet<string> | null
  handshake: boolean
  /** Whether the go-resthooks alias `POST {base}/subscribe` runs the handshake too. */
  aliasHandshake: boolean
}

const notFound = () => new ResthooksError('not_found', 'no such subscription')

// Light: the handler turns them into real responses for any caller but the Node adapter.
const json = lightJsonResponse

/** The wire form: what the store keeps minus what only the server sees. */
function toWire(stored: StoredSubscription): Subscription {
  const { id, events, target_url, status, metadata, created_at, updated_at } = stored
  const wire: Subscription = { id, events, target_url, status, metadata, created_at, updated_at }
  if (stored.filter != null) wire.filter = stored.filter
  if (stored.ordering === 'fifo') wire.ordering = 'fifo'
  return wire
}

function toWireAttempt(record: AttemptRecord): Attempt {
  const { subscription_id: _, owner: __, ...attempt } = record
  return attempt
}

function checkEvents(
  context: RouteContext,
  events: readonly string[],
  pathOf: (index: number) => string,
) {
  const allowed = context.events
  if (!allowed) return
  const errors = events.flatMap((event, i) =>
    isAllowed(allowed, event) ? [] : [{ path: pathOf(i), message: `unknown event ${event}` }],
  )
  if (errors.length > 0) {
    throw new ResthooksError('unknown_event', errors.map((e) => e.message).join(', '), { errors })
  }
}

/**
 * Whether the catalogue lets a subscription name `entry`: an event of it, or a pattern taking at
 * least one of its events (a pattern that can never match is refused as a misspelling would be).
 */
function isAllowed(allowed: ReadonlySet<string>, entry: string): boolean {
  if (!isEventPattern(entry)) return allowed.has(entry)
  for (const event of allowed) if (eventMatches(entry, event)) return true
  return false
}

/** What a create route asks to store, validated. */
export interface CreateInput {
  target_url: string
  events: readonly string[]
  metadata?: Record<string, string> | undefined
  secret?: string | undefined
  /** Deliver only messages whose `data` passes it. */
  filter?: Filter | undefined
  /** `fifo`: one delivery at a time, in message order. */
  ordering?: 'none' | 'fifo' | undefined
}

/**
 * `POST {base}/subscriptions`: validate, guard the target, make a key, run the handshake, and
 * only then store. `201` with `Location`.
 */
export async function createSubscription(
  context: RouteContext,
  owner: string,
  body: unknown,
): Promise<Response> {
  const input = parseInput(CreateSubscriptionSchema, body, 'invalid_request')
  const created = await storeSubscription(context, owner, input, {
    eventPath: (i) => `events.${i}`,
    handshake: context.handshake,
  })
  // Relative, so it resolves right under whatever prefix the client used.
  const location = `subscriptions/${created.id}`
  return json(created, 201, { 'content-type': 'application/json', location })
}

/**
 * The steps of every create route after parsing: events allowed, target guarded, a key made,
 * the handshake when `handshake`, then stored. Resolves with the wire form (with the generated
 * secret, shown this once).
 */
export async function storeSubscription(
  context: RouteContext,
  owner: string,
  input: CreateInput,
  options: { eventPath: (index: number) => string; handshake: boolean },
): Promise<Subscription> {
  const events = unique(input.events)
  checkEvents(context, input.events, options.eventPath)
  await context.checks.guard(input.target_url)
  const key = input.secret === undefined ? context.newKey() : null
  const made = key instanceof Promise ? await key : key
  const secret = input.secret ?? made?.secret ?? null
  if (options.handshake) {
    await context.checks.handshake({ target_url: input.target_url, events, secret })
  }
  const now = context.clock.now()
  const at = isoTime(now)
  const stored: StoredSubscription = {
    id: newId('sub', now),
    owner,
    events,
    target_url: input.target_url,
    status: 'active',
    metadata: input.metadata ?? {},
    secret,
    consecutive_failures: 0,
    created_at: at,
    updated_at: at,
  }
  if (input.filter !== undefined) stored.filter = input.filter
  if (input.ordering === 'fifo') stored.ordering = 'fifo'
  await context.store.create(stored)
  const created = toWire(stored)
  if (made) created.secret = made.shown
  return created
}

/** `GET {base}/subscriptions?event=&cursor=&limit=`: newest first. */
export async function listSubscriptions(
  context: RouteContext,
  owner: string,
  url: URL,
): Promise<Response> {
  const query = parseInput(ListSubscriptionsQuerySchema, queryOf(url), 'invalid_query')
  const scope = query.event ?? ''
  const page = await context.store.list(owner, {
    event: query.event,
    cursor: decodeCursor(query.cursor, scope),
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
  })
  return json({ data: page.items.map(toWire), next_cursor: encodeCursor(page.nextCursor, scope) })
}

/** `GET {base}/subscriptions/{id}`. */
export async function getSubscription(
  context: RouteContext,
  owner: string,
  id: string,
): Promise<Response> {
  const stored = await context.store.get(owner, id)
  if (!stored) throw notFound()
  return json(toWire(stored))
}

/**
 * `PATCH {base}/subscriptions/{id}`: a new target is guarded; a new target or new events are
 * confirmed by a handshake before anything changes; `active` re-enables and resets failures.
 */
export async function updateSubscription(
  context: RouteContext,
  owner: string,
  id: string,
  body: unknown,
): Promise<Response> {
  const input = parseInput(UpdateSubscriptionSchema, body, 'invalid_request')
  const current = await context.store.get(owner, id)
  if (!current) throw notFound()
  const events = input.events && unique(input.events)
  if (input.events) checkEvents(context, input.events, (i) => `events.${i}`)
  const targetChanged = input.target_url !== undefined && input.target_url !== current.target_url
  const eventsChanged = events !== undefined && !sameList(events, current.events)
  if (targetChanged) await context.checks.guard(input.target_url as string)
  if (context.handshake && (targetChanged || eventsChanged)) {
    await context.checks.handshake({
      target_url: input.target_url ?? current.target_url,
      events: events ?? current.events,
      secret: current.secret,
      previous_secret: current.previous_secret,
      previous_secret_expires_at: current.previous_secret_expires_at,
    })
  }
  const patch: SubscriptionPatch = { updated_at: isoTime(context.clock.now()) }
  if (input.target_url !== undefined) patch.target_url = input.target_url
  if (events !== undefined) patch.events = events
  if (input.metadata !== undefined) patch.metadata = input.metadata
  if (input.filter !== undefined) patch.filter = input.filter
  if (input.ordering !== undefined) patch.ordering = input.ordering
  if (input.status !== undefined) {
    patch.status = input.status
    if (input.status === 'active' && current.status !== 'active') patch.consecutive_failures = 0
  }
  const updated = await context.store.update(owner, id, patch)
  if (!updated) throw notFound()
  return json(toWire(updated))
}

/** `DELETE {base}/subscriptions/{id}`: `204` (the go-resthooks alias answers `200`). */
export async function deleteSubscription(
  context: RouteContext,
  owner: string,
  id: string,
): Promise<Response> {
  if (!(await context.store.delete(owner, id))) throw notFound()
  await context.engine.cancel(id)
  return new Response(null, { status: 204 })
}

/** `GET {base}/subscriptions/{id}/attempts?cursor=&limit=`: newest first. */
export async function listAttempts(
  context: RouteContext,
  owner: string,
  id: string,
  url: URL,
): Promise<Response> {
  const query = parseInput(ListAttemptsQuerySchema, queryOf(url), 'invalid_query')
  if (!(await context.store.get(owner, id))) throw notFound()
  const page = await context.queue.listAttempts(owner, id, {
    cursor: decodeCursor(query.cursor, id),
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
  })
  return json({
    data: page.items.map(toWireAttempt),
    next_cursor: encodeCursor(page.nextCursor, id),
  })
}

/** The query as an object; a parameter given twice is invalid rather than silently one of them. */
export function queryOf(url: URL): Record<string, string> {
  const query = new Map<string, string>()
  for (const [name, value] of url.searchParams) {
    if (query.has(name)) {
      throw new ResthooksError('invalid_query', `${name} is given more than once`, {
        errors: [{ path: name, message: `${name} is given more than once` }],
      })
    }
    query.set(name, value)
  }
  return Object.fromEntries(query)
}

/** The list without repeats, in first-seen order (a copy). */
function unique(list: readonly string[]): string[] {
  // One or two events, the usual case, need no Set.
  if (list.length < 2) return list.slice()
  if (list.length === 2) return list[0] === list[1] ? list.slice(0, 1) : list.slice()
  return [...new Set(list)]
}

function sameList(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((item, i) => item === b[i])
}
