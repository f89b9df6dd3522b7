import { generateKeyPair, MAX_REQUEST_BODY_BYTES } from '@rh/protocol'
import { checkOptions } from './check-options'
import { type Clock, systemClock } from './clock'
import { createDeliveryEngine } from './delivery/create-delivery-engine'
import type { OperationalEvent } from './delivery/operational-events'
import type { RetryPolicy } from './delivery/retry-policy'
import { createSigners, type SigningOptions } from './delivery/signing'
import type { Transport } from './delivery/transport'
import { createTransport } from './delivery/transports/create-transport'
import type { DeliveryResult, NotifyOptions, NotifyReceipt } from './delivery/types'
import { ResthooksError } from './errors'
import { type Authenticate, createHandler } from './handler/create-handler'
import type { NewKey } from './handler/subscription-routes'
import { createTargetChecks } from './handler/target-checks'
import type { DeliveryQueue } from './queue/delivery-queue'
import { memoryQueue } from './queue/memory-queue'
import { createRecovery } from './recovery/create-recovery'
import type { Recovery } from './recovery/recovery'
import type { Resolve } from './ssrf/guard-target'
import { memoryStore } from './store/memory-store'
import type { SubscriptionStore } from './store/subscription-store'
import { createTelemetry, type TelemetryOptions } from './telemetry/create-telemetry'

/**
 * The event names of an event map: its string keys. Without a map, any string.
 *
 * @example
 * type Names = EventName<{ 'post.created': { id: string } }> // 'post.created'
 */
export type EventName<Events> = keyof Events & string

/**
 * Options of {@link createResthooks}. `Events` maps each event name to the type of its data;
 * it types `events`, `notify` and nothing at runtime.
 *
 * @example
 * const options: ResthooksOptions<{ 'post.created': { id: string } }> = {
 *   authenticate: (request) => request.headers.get('x-user-id'),
 *   events: ['post.created'],
 * }
 */
export interface ResthooksOptions<Events extends object = Record<string, unknown>> {
  /**
   * Identifies the owner of an API request (a user, a tenant); `null` answers `401`. Every
   * subscription belongs to the owner that created it, and no owner sees another's.
   */
  authenticate: Authenticate
  /** Where subscriptions live. Default `memoryStore()`. */
  store?: SubscriptionStore
  /** Where pending deliveries and the attempt log live. Default `memoryQueue()`. */
  queue?: DeliveryQueue
  /** The events subscribers may name; others are `422 unknown_event`. Default: any. */
  events?: readonly NoInfer<EventName<Events>>[]
  /**
   * How deliveries are signed: `{ secret }` (`whsec_` or `whsk_`, several during a rotation)
   * or `{ perSubscription: 'v1' | 'v1a' }`, a key per subscription shown once at creation.
   * Default `{ perSubscription: 'v1' }`. A `secret` given by the subscriber always wins.
   */
  signing?: SigningOptions
  /**
   * Retry schedule. Default `retrySchedules.goResthooks`, `{ retries: 3, initialDelay: 5000,
   * factor: 3 }`: 5 s, 15 s, 45 s. For production, `retrySchedules.standardWebhooks` retries
   * for about a day.
   */
  retry?: Partial<RetryPolicy>
  /**
   * How long the message log keeps a message once all its deliveries are final (delivered,
   * failed, gone or cancelled), in ms; replay and redeliver reach back this far. Default 30 days.
   */
  retention?: { messages?: number }
  /** Consecutive failed deliveries before a subscription is disabled. */
  disableAfter?: number
  /**
   * Consecutive failed deliveries at which `subscription.failing` is told, a warning before
   * `disableAfter`. Default half of `disableAfter`, rounded up (5 of 10).
   */
  failingAfter?: number
  /**
   * Told each operational event: `delivery.exhausted` (a message failed its last retry),
   * `subscription.failing`, `subscription.disabled`. Also on `results({ operations: true })`.
   */
  onOperationalEvent?: (event: OperationalEvent) => void
  /** Confirm every new target (and changed target or events) with a handshake. Default `true`. */
  handshake?: boolean
  /**
   * Whether the go-resthooks alias `POST {base}/subscribe` runs the handshake too. Default: as
   * `handshake`. A consumer written for go-resthooks cannot answer it, so `false` lets such
   * consumers subscribe unchanged, at the price of intent verification on that route: anyone
   * with an API key can then point deliveries at a URL that never agreed to them (the SSRF
   * guard still applies). `/subscriptions` keeps `handshake`.
   */
  aliasHandshake?: boolean
  /** Time and timers; inject `manualClock()` in tests. Default the system clock. */
  clock?: Clock
  /** How deliveries and handshakes are sent. Default: chosen for the runtime. */
  transport?: Transport
  /** DNS for the SSRF guard. Default the system resolver. */
  resolve?: Resolve
  /** Allow loopback and private targets (local development and tests only). Default `false`. */
  allowPrivateTargets?: boolean
  /** Attempts in flight at once, in all and per target host. */
  concurrency?: { global?: number; perHost?: number }
  /** Deadline of one attempt, in ms. Default 10 000. */
  timeout?: number
  /**
   * How long a claimed delivery stays with this instance before another may take it over (this
   * one died), in ms. Default `max(60 s, 3 x timeout)`.
   */
  leaseMs?: number
  /** Most bytes of a receiver's response read. Default 64 KiB. */
  maxResponseBytes?: number
  /** Largest API request body, in bytes; more is `413`. Default 64 KiB. */
  maxBodyBytes?: number
  /** Told about every fault answered `500 internal`. Default `console.error`. */
  onError?: (error: unknown, request: Request) => void
  /**
   * OpenTelemetry spans and metrics (pass `trace.getTracer('rh')`, `metrics.getMeter('rh')`:
   * `@opentelemetry/api` is an optional peer, never imported by rh) and Prometheus metrics
   * (`prometheusMetrics()`). Default: none, at no cost.
   */
  telemetry?: TelemetryOptions
}

/**
 * A REST Hooks server: the subscription API as a fetch handler, and `notify` to send events.
 *
 * @example
 * const rh = createResthooks<{ 'post.created': { id: string } }>({ authenticate })
 * Bun.serve({ fetch: rh.fetch })
 * await rh.notify('alice', 'post.created', { id: 'p_1' })
 */
export interface Resthooks<Events extends object = Record<string, unknown>> {
  /**
   * The subscription API: `Request` in, `Response` out. Mount it under any prefix: routes are
   * matched on the path's trailing segments (`…/subscriptions`, `…/subscriptions/{id}`,
   * `…/subscriptions/{id}/attempts`, `…/subscribe`, `…/unsubscribe/{id}`). Bound: pass it as is.
   */
  fetch: (request: Request) => Promise<Response>
  /**
   * Sends `event` with `data` to every active subscription of `owner` to it. Resolves once the
   * deliveries are queued (durably, with a durable queue), not when they are delivered.
   */
  notify<E extends EventName<Events>>(
    owner: string,
    event: E,
    data: Events[E],
    options?: NotifyOptions,
  ): Promise<NotifyReceipt>
  /**
   * Recovery after an outage, as the API's routes use it: redeliver a message, replay a
   * subscription's failed messages, rotate its secret, send it a test event.
   *
   * @example
   * await rh.recovery.replay('acme', 'sub_…', { since: Date.parse('2026-12-01T10:00:00Z') })
   */
  readonly recovery: Recovery
  /** Every delivery outcome from now on; each call is its own stream. Ends on `close`. */
  results(): AsyncIterable<DeliveryResult> & { readonly dropped: number }
  /**
   * Every delivery outcome and every {@link OperationalEvent} from now on, in order: an
   * operational event has a `type`, a delivery outcome an `outcome`.
   */
  results(options: {
    operations: true
  }): AsyncIterable<DeliveryResult | OperationalEvent> & { readonly dropped: number }
  /** Stops delivering (waiting up to `graceMs` for attempts in flight), then closes the queue and store. */
  close(options?: { graceMs?: number }): Promise<void>
  /** The store, for reading subscriptions outside the API. */
  readonly store: SubscriptionStore
  /** The queue, for inspecting pending deliveries. */
  readonly queue: DeliveryQueue
}

/**
 * Creates a REST Hooks server. The result's `fetch` serves the subscription API on any runtime
 * (Node through `@rh/server/node`, Bun, Deno, Hono, workers); `notify` queues signed deliveries
 * that are retried on failure (5 s, 15 s, 45 s) and stop at `410 Gone`. Delivery starts at once.
 *
 * @example
 * import { createResthooks } from '@rh/server'
 *
 * const rh = createResthooks<{ 'post.created': { id: string } }>({
 *   authenticate: (request) => ownerOf(request.headers.get('authorization')),
 *   events: ['post.created'],
 * })
 * Deno.serve(rh.fetch)
 * await rh.notify('alice', 'post.created', { id: 'p_1' })
 */
export function createResthooks<Events extends object = Record<string, unknown>>(
  options: ResthooksOptions<Events>,
): Resthooks<Events> {
  // A wrong option fails here, naming it, rather than as a 500 at the first request.
  checkOptions(options)
  const store = options.store ?? memoryStore()
  const queue = options.queue ?? memoryQueue()
  const clock = options.clock ?? systemClock
  const signing = options.signing ?? { perSubscription: 'v1' }
  const allowPrivateTargets = options.allowPrivateTargets ?? false
  // Deliveries and handshakes share the keys and the transport (and so its connections).
  const signers = createSigners(signing)
  const transport =
    options.transport ??
    createTransport({
      allowPrivateTargets,
      resolve: options.resolve,
      connections: options.concurrency?.perHost ?? 8,
    })
  const telemetry = createTelemetry(options.telemetry, { queue, clock })
  const traceNotify = telemetry?.traceNotify ?? null
  const engine = createDeliveryEngine({
    store,
    queue,
    clock,
    signers,
    transport,
    allowPrivateTargets,
    ...defined({
      retry: options.retry,
      retention: options.retention,
      disableAfter: options.disableAfter,
      failingAfter: options.failingAfter,
      onOperationalEvent: options.onOperationalEvent,
      concurrency: options.concurrency,
      timeout: options.timeout,
      leaseMs: options.leaseMs,
      maxResponseBytes: options.maxResponseBytes,
      observer: telemetry?.observer ?? undefined,
    }),
  })
  const checks = createTargetChecks({
    transport,
    signers,
    clock,
    resolve: options.resolve,
    allowPrivateTargets,
    attemptTimeout: options.timeout,
    maxResponseBytes: options.maxResponseBytes,
  })
  const allowed = options.events ? new Set<string>(options.events) : null
  let closing: Promise<void> | null = null

  function newKey(): NewKey | null | Promise<NewKey | null> {
    // Signed with the server's own keys: no key to make, and no promise to wait for.
    if (!('perSubscription' in signing)) return null
    // A v1a key is shown as its public half: the subscriber verifies, only the server signs.
    if (signing.perSubscription === 'v1a') {
      return generateKeyPair().then(({ secretKey, publicKey }) => ({
        secret: secretKey,
        shown: publicKey,
      }))
    }
    return signers
      .newSecret()
      .then((secret) => (secret === null ? null : { secret, shown: secret }))
  }

  const recovery = createRecovery({ store, queue, clock, engine, newKey })

  const fetch = createHandler({
    store,
    queue,
    clock,
    engine,
    checks,
    newKey,
    recovery,
    events: allowed,
    handshake: options.handshake ?? true,
    aliasHandshake: options.aliasHandshake ?? options.handshake ?? true,
    authenticate: options.authenticate,
    maxBodyBytes: options.maxBodyBytes ?? MAX_REQUEST_BODY_BYTES,
    onError: options.onError ?? ((error) => console.error('rh: internal error', error)),
    closed: () => closing !== null,
  })

  engine.start()

  function notifyUntraced(
    owner: string,
    event: string,
    data: unknown,
    notifyOptions: NotifyOptions | undefined,
  ): Promise<NotifyReceipt> {
    if (allowed && !allowed.has(event)) {
      return Promise.reject(new ResthooksError('unknown_event', `unknown event ${event}`))
    }
    return engine.notify(owner, event, data, notifyOptions)
  }

  return {
    fetch,
    store,
    queue,
    recovery,
    // Not `async`: passing the engine's promise on as is saves three microtask hops per notify.
    notify(owner, event, data, notifyOptions) {
      if (traceNotify !== null) {
        return traceNotify(event, () => notifyUntraced(owner, event, data, notifyOptions))
      }
      return notifyUntraced(owner, event, data, notifyOptions)
    },
    results: ((resultsOptions?: { operations: true }) =>
      resultsOptions ? engine.results(resultsOptions) : engine.results()) as Resthooks['results'],
    close(closeOptions) {
      closing ??= (async () => {
        await engine.close(closeOptions)
        if (!options.transport) await transport.close?.()
        await queue.close?.()
        await store.close?.()
      })()
      return closing
    },
  }
}

/** The entries whose value is not `undefined` (for `exactOptionalPropertyTypes`). */
function defined<T extends object>(object: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>
  }
}
