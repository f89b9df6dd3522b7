import {
  DEFAULT_PAGE_LIMIT,
  ListMessagesQuerySchema,
  ListSubscriptionMessagesQuerySchema,
  type Message,
  type MessageDelivery,
  type MessageWithDeliveries,
  RedeliverRequestSchema,
  ReplayRequestSchema,
  RotateSecretRequestSchema,
  timestampToMs,
} from '@rh/protocol'
import type * as v from 'valibot'
import { lightJsonResponse } from '../../../internal/fast-path'
import { readBody } from '../../../internal/read-limited'
import { ResthooksError } from '../errors'
import { isoTime } from '../iso-time'
import type { DeliveryQueue } from '../queue/delivery-queue'
import type { DeliveryRecord, MessageRecord } from '../queue/message-log'
import type { Recovery } from '../recovery/recovery'
import type { SubscriptionStore } from '../store/subscription-store'
import { decodeCursor, encodeCursor } from './page-cursor'
import { parseInput } from './parse-input'
import { readJson } from './read-json'
import { queryOf } from './subscription-routes'

/** What the recovery routes need: the message log to read, `recovery` to act. */
export interface RecoveryRouteContext {
  store: Pick<SubscriptionStore, 'get'>
  queue: Pick<DeliveryQueue, 'listMessages' | 'getMessage' | 'listSubscriptionMessages'>
  recovery: Recovery
  maxBodyBytes: number
}

const json = lightJsonResponse

/** The wire form of a logged message: times as ISO-8601, the body bytes as parsed JSON. */
function toWireMessage(record: MessageRecord): Message {
  return {
    id: record.id,
    event: record.event,
    created_at: isoTime(record.created_at),
    payload: JSON.parse(record.body) as Message['payload'],
  }
}

function toWireDelivery(record: DeliveryRecord): MessageDelivery {
  return {
    subscription_id: record.subscription_id,
    status: record.status,
    attempts: record.attempts,
    updated_at: isoTime(record.updated_at),
  }
}

/**
 * A timestamp of a valid query or body as ms. The schemas accept what valibot's `isoTimestamp`
 * does, which includes days a month lacks: those name no time and are refused here.
 */
function msOf(text: string, path: string, code: 'invalid_query' | 'invalid_request'): number {
  const ms = timestampToMs(text)
  if (Number.isNaN(ms)) {
    const message = `${path} is not a real time`
    throw new ResthooksError(code, message, { errors: [{ path, message }] })
  }
  return ms
}

/**
 * `GET {base}/messages?event=&since=&until=&cursor=&limit=`: the owner's messages, newest first.
 * A cursor is bound to the filters it was issued with.
 *
 * @example
 * const response = await listMessages(context, 'acme', new URL(request.url))
 */
export async function listMessages(
  context: RecoveryRouteContext,
  owner: string,
  url: URL,
): Promise<Response> {
  const query = parseInput(ListMessagesQuerySchema, queryOf(url), 'invalid_query')
  const since = query.since === undefined ? undefined : msOf(query.since, 'since', 'invalid_query')
  const until = query.until === undefined ? undefined : msOf(query.until, 'until', 'invalid_query')
  const scope = `messages ${query.event ?? ''} ${since ?? ''} ${until ?? ''}`
  const page = await context.queue.listMessages(owner, {
    event: query.event,
    since,
    until,
    cursor: decodeCursor(query.cursor, scope),
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
  })
  return json({
    data: page.items.map(toWireMessage),
    next_cursor: encodeCursor(page.nextCursor, scope),
  })
}

/**
 * `GET {base}/messages/{id}`: one of the owner's messages with every delivery of it.
 *
 * @example
 * const response = await getMessage(context, 'acme', 'msg_…')
 */
export async function getMessage(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
): Promise<Response> {
  const found = await context.queue.getMessage(owner, id)
  if (!found) throw new ResthooksError('not_found', 'no such message')
  const message: MessageWithDeliveries = {
    ...toWireMessage(found),
    deliveries: found.deliveries.map(toWireDelivery),
  }
  return json(message)
}

/**
 * `GET {base}/subscriptions/{id}/messages?status=&cursor=&limit=`: the messages one of the
 * owner's subscriptions was sent, newest first, each with that subscription's delivery.
 *
 * @example
 * const deadLetters = await listSubscriptionMessages(context, 'acme', 'sub_…', url)
 */
export async function listSubscriptionMessages(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
  url: URL,
): Promise<Response> {
  const query = parseInput(ListSubscriptionMessagesQuerySchema, queryOf(url), 'invalid_query')
  if (!(await context.store.get(owner, id))) {
    throw new ResthooksError('not_found', 'no such subscription')
  }
  const scope = `messages ${id} ${query.status ?? ''}`
  const page = await context.queue.listSubscriptionMessages(owner, id, {
    status: query.status,
    cursor: decodeCursor(query.cursor, scope),
    limit: query.limit ?? DEFAULT_PAGE_LIMIT,
  })
  const data: MessageWithDeliveries[] = page.items.map((item) => ({
    ...toWireMessage(item),
    deliveries: [toWireDelivery(item.delivery)],
  }))
  return json({ data, next_cursor: encodeCursor(page.nextCursor, scope) })
}

/**
 * `POST {base}/messages/{id}/redeliver`, body `{}` (or none) or `{ subscription_id }`: `202
 * { redelivered }`.
 *
 * @example
 * const response = await redeliver(context, 'acme', 'msg_…', request)
 */
export async function redeliver(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
  request: Request,
): Promise<Response> {
  const input = await readInput(context, request, RedeliverRequestSchema, { optional: true })
  const result = await context.recovery.redeliver(owner, id, input.subscription_id)
  return json({ redelivered: result.redelivered }, 202)
}

/**
 * `POST {base}/subscriptions/{id}/replay`, body `{ since, until?, status? }`: `202 { replayed }`.
 *
 * @example
 * const response = await replay(context, 'acme', 'sub_…', request)
 */
export async function replay(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
  request: Request,
): Promise<Response> {
  const input = await readInput(context, request, ReplayRequestSchema, { optional: false })
  const result = await context.recovery.replay(owner, id, {
    since: msOf(input.since, 'since', 'invalid_request'),
    until: input.until === undefined ? undefined : msOf(input.until, 'until', 'invalid_request'),
    status: input.status,
  })
  return json({ replayed: result.replayed }, 202)
}

/**
 * `POST {base}/subscriptions/{id}/rotate-secret`, body `{}` (or none) or `{ grace_seconds }`:
 * `200 { secret, previous_secret_expires_at }`.
 *
 * @example
 * const response = await rotateSecret(context, 'acme', 'sub_…', request)
 */
export async function rotateSecret(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
  request: Request,
): Promise<Response> {
  const input = await readInput(context, request, RotateSecretRequestSchema, { optional: true })
  const rotated = await context.recovery.rotateSecret(
    owner,
    id,
    input.grace_seconds === undefined ? {} : { graceMs: input.grace_seconds * 1000 },
  )
  return json({
    secret: rotated.secret,
    previous_secret_expires_at: rotated.previous_secret_expires_at,
  })
}

/**
 * `POST {base}/subscriptions/{id}/test`: sends a signed `rh.ping` now, `200` with the attempt.
 * A body, if any, is not read.
 *
 * @example
 * const response = await sendTest(context, 'acme', 'sub_…')
 */
export async function sendTest(
  context: RecoveryRouteContext,
  owner: string,
  id: string,
): Promise<Response> {
  return json(await context.recovery.sendTest(owner, id))
}

/**
 * The route's JSON body checked against `schema` (a bad one is `invalid_request`); with
 * `optional`, a body left out reads as `{}` (see {@link readOptionalJson}).
 */
async function readInput<TSchema extends v.GenericSchema>(
  context: RecoveryRouteContext,
  request: Request,
  schema: TSchema,
  { optional }: { optional: boolean },
): Promise<v.InferOutput<TSchema>> {
  const body = optional
    ? await readOptionalJson(request, context.maxBodyBytes)
    : await readJson(request, context.maxBodyBytes)
  return parseInput(schema, body, 'invalid_request')
}

/**
 * The JSON body of a route whose body may be left out: a request with no `Content-Type` and no
 * bytes is `{}` (`curl -X POST` sends one); anything else is read as {@link readJson} reads it.
 */
async function readOptionalJson(request: Request, maxBytes: number): Promise<unknown> {
  if (request.headers.get('content-type') !== null) return readJson(request, maxBytes)
  const bytes = await readBody(request, maxBytes)
  if (bytes !== null && bytes.byteLength === 0) return {}
  throw new ResthooksError('unsupported_media_type', 'the body must be application/json')
}
