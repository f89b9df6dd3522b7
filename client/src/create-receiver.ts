import {
  createVerifier,
  type ProblemCode,
  ProtocolError,
  problemCodes,
  problemType,
} from '@rh/protocol'
import { readBody } from '../../internal/read-limited'
import type { EventMap } from './create-client'
import { isGone } from './gone'
import { type DedupeStore, memoryDedupe } from './memory-dedupe'
import {
  type HandshakeWebhook,
  verifierOptions,
  verifyWith,
  type Webhook,
  type WebhookMeta,
} from './verify'

/** What a handler is told besides the event's data. */
export interface HandlerMeta<TType extends string = string> extends WebhookMeta {
  type: TType
  request: Request
}

/** Return (or throw) {@link gone} to drop the subscription; anything else is success. */
export type HandlerResult = unknown

/** Handles one event type: its `data`, typed by the event map, and the delivery's metadata. */
export type Handler<TData, TType extends string = string> = (
  data: TData,
  meta: HandlerMeta<TType>,
) => HandlerResult | Promise<HandlerResult>

/** The handlers of {@link createReceiver}, by event name. */
export type Handlers<TEvents extends EventMap> = {
  [K in keyof TEvents & string]?: Handler<TEvents[K], K>
}

/** The keys a receiver verifies with: `secret` (one or several) or `secrets`. */
export type ReceiverKeys =
  /** The subscription's `whsec_` secret (or `whpk_` public key); several during a rotation. */
  | { secret: string | readonly string[] }
  /** The keys accepted during a rotation. */
  | { secrets: readonly string[] }

/** Options of {@link createReceiver}. */
export type ReceiverOptions<TEvents extends EventMap = EventMap> = ReceiverKeys & {
  /** One handler per event type. */
  on: Handlers<TEvents>
  /** Called for an event type without a handler; by default such events are answered 204. */
  unhandled?: Handler<unknown> | undefined
  /**
   * Decides whether to accept a subscription at the handshake (`true` by default): `false`
   * answers 403 and the server stores nothing.
   */
  onHandshake?:
    | ((handshake: HandshakeWebhook, request: Request) => boolean | Promise<boolean>)
    | undefined
  /** Seconds the `webhook-timestamp` may be from `now`, either way; 300 by default. */
  tolerance?: number | undefined
  /** The current time in milliseconds; `Date.now` by default. */
  now?: (() => number) | undefined
  /**
   * Where handled `webhook-id`s are remembered; `false` for none. By default `memoryDedupe()`,
   * keeping each id for twice `tolerance` (at least 10 minutes): a delivery replayed while its
   * timestamp still passes is answered as a duplicate.
   */
  dedupe?: DedupeStore | false | undefined
  /** Largest accepted body in bytes; 1 MiB by default. Larger bodies are answered 413. */
  maxBodyBytes?: number | undefined
  /** Told why a webhook was refused (401, 400) or why its handler failed (500). */
  onError?: ((error: unknown, request: Request) => void) | undefined
}

/** A receiver: a Fetch handler for the webhook route. */
export type Receiver = (request: Request) => Promise<Response>

/**
 * A Fetch handler that receives an rh server's webhooks: only `POST`; verifies the signature and
 * timestamp (401 when they fail), parses the envelope (400 when it is not one), answers the
 * subscribe-time handshake with its challenge, skips a `webhook-id` already handled (200), then
 * calls the handler of the event type: 204 when it returns, 410 when it returns or throws
 * {@link gone} (the server drops the subscription), 500 when it throws (the server retries).
 *
 * @example
 * type Events = { 'post.created': { id: string; title: string } }
 * const receiver = createReceiver<Events>({
 *   secret: process.env.WEBHOOK_SECRET!,
 *   on: { 'post.created': async (post, { id }) => { await save(post, id) } },
 * })
 * Deno.serve(receiver) // or Bun.serve({ fetch: receiver }), or toNodeHandler(receiver)
 */
export function createReceiver<TEvents extends EventMap = EventMap>(
  options: ReceiverOptions<TEvents>,
): Receiver {
  const keys = 'secrets' in options ? options.secrets : options.secret
  const verifier = createVerifier(keys, verifierOptions(options))
  // An id is remembered as long as a captured copy of it could still pass the timestamp check.
  const replayWindowMs = 2 * (options.tolerance ?? 300) * 1000
  const dedupe =
    options.dedupe === false
      ? undefined
      : (options.dedupe ??
        memoryDedupe({ ttlMs: Math.max(600_000, replayWindowMs), now: options.now }))
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024
  const handlers = options.on as Record<string, Handler<unknown> | undefined>

  const fail = (request: Request, error: unknown, response: Response) => {
    options.onError?.(error, request)
    return response
  }

  const dispatch = async (webhook: Webhook, request: Request): Promise<Response> => {
    const { data, ...meta } = webhook
    const handler = Object.hasOwn(handlers, webhook.type)
      ? handlers[webhook.type]
      : options.unhandled
    try {
      const result = await handler?.(data, { ...meta, request })
      return new Response(null, { status: isGone(result) ? 410 : 204 })
    } catch (error) {
      if (isGone(error)) return new Response(null, { status: 410 })
      throw error
    }
  }

  return async function receive(request: Request): Promise<Response> {
    if (request.method !== 'POST') {
      return problem('method_not_allowed', 'a webhook is a POST', { allow: 'POST' })
    }
    const body = await readBody(request, maxBodyBytes)
    if (body === null) {
      return problem('payload_too_large', `the body is over ${maxBodyBytes} bytes`)
    }
    let webhook: Webhook
    try {
      webhook = await verifyWith(verifier, request, body)
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error
      return fail(request, error, problem(error.code, error.message))
    }

    try {
      if (webhook.type === 'rh.handshake')
        return await handshake(webhook as HandshakeWebhook, request)
      return await deliver(webhook, request)
    } catch (error) {
      return fail(request, error, problem('internal', 'the webhook handler failed'))
    }
  }

  async function handshake(webhook: HandshakeWebhook, request: Request): Promise<Response> {
    const accept = (await options.onHandshake?.(webhook, request)) ?? true
    if (!accept) {
      return problem('handshake_refused', 'this receiver does not accept the subscription')
    }
    return Response.json({ challenge: webhook.data.challenge })
  }

  async function deliver(webhook: Webhook, request: Request): Promise<Response> {
    const claim = dedupe ? await dedupe.claim(webhook.id) : 'claimed'
    if (claim === 'done') return new Response(null, { status: 200 })
    if (claim === 'in_flight') {
      // An error status, so the sender retries after the first delivery settles.
      return problem('in_flight', `webhook ${webhook.id} is being handled`)
    }
    let response: Response
    try {
      response = await dispatch(webhook, request)
    } catch (error) {
      await dedupe?.release(webhook.id)
      throw error
    }
    await dedupe?.complete(webhook.id)
    return response
  }
}

/** A problem+json answer whose status and title come from the one table, `problemCodes`. */
function problem(code: ProblemCode, detail: string, headers: Record<string, string> = {}) {
  const { status, title } = problemCodes[code]
  return Response.json(
    { type: problemType(code), title, status, detail, code },
    { status, headers: { 'content-type': 'application/problem+json', ...headers } },
  )
}
