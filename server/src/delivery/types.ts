import type { Clock } from '../clock'
import type { DeliveryQueue, NotifyTransaction } from '../queue/delivery-queue'
import type { StoredSubscription, SubscriptionStore } from '../store/subscription-store'
import type { AttemptObserver } from '../telemetry/attempt-observer'
import type { OperationalEvent } from './operational-events'
import type { RetryPolicy } from './retry-policy'
import type { AttemptOutcome } from './send-attempt'
import type { Signers } from './signing'
import type { Transport } from './transport'

/**
 * Options of `createDeliveryEngine`.
 *
 * @example
 * const options: DeliveryEngineOptions = {
 *   store: memoryStore(),
 *   queue: memoryQueue(),
 *   clock: systemClock,
 *   signers: createSigners({ secret: process.env.WEBHOOK_SECRET! }),
 *   transport: createTransport({ connections: 8 }),
 * }
 */
export interface DeliveryEngineOptions {
  store: SubscriptionStore
  queue: DeliveryQueue
  clock: Clock
  /** The keys deliveries are signed with (shared with the handshake). */
  signers: Signers
  /**
   * How attempts are sent; it gets each target judged (`TransportRequest.target`). Its owner
   * closes it: the engine does not.
   */
  transport: Transport
  /**
   * Default `{ retries: 3, initialDelay: 5000, factor: 3, maxDelay: 3_600_000, jitter: 0.1 }`
   * (`retrySchedules.goResthooks`); or a named schedule, e.g. `retrySchedules.standardWebhooks`.
   */
  retry?: Partial<RetryPolicy>
  /**
   * How long the message log keeps a message whose deliveries are all final, in ms. Default 30
   * days. Pruned in batches of 1000 every minute on `clock`.
   */
  retention?: { messages?: number }
  /** Consecutive failed deliveries (final give-ups) before the subscription is disabled. Default 10. */
  disableAfter?: number
  /**
   * Consecutive failed deliveries at which a `subscription.failing` operational event is told.
   * Default half of `disableAfter`, rounded up; at or above `disableAfter`, never.
   */
  failingAfter?: number
  /**
   * Told every {@link OperationalEvent} (`delivery.exhausted`, `subscription.failing`,
   * `subscription.disabled`). It runs after the failure is written; what it throws, or the
   * promise it returns rejects with, is logged with `console.error` and changes nothing.
   */
  onOperationalEvent?: (event: OperationalEvent) => void
  /** Attempts in flight at once: in all (default 64) and per target host (default 8). */
  concurrency?: { global?: number; perHost?: number }
  /**
   * How long a claimed job stays with this worker, in ms, before another may claim it (the
   * worker died). Default `max(60 s, 3 x timeout)`; keep it above `timeout`.
   */
  leaseMs?: number
  /** One deadline per attempt, in ms, covering connect, headers and reading the body. Default 10 s. */
  timeout?: number
  /** Stop reading a response body after this many bytes. Default 64 KiB. */
  maxResponseBytes?: number
  /** Turns the SSRF checks of IP-literal targets off (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** Told about every attempt once it is over (telemetry); `null` or absent costs nothing. */
  observer?: AttemptObserver | null
}

/** What `notify` accepted. */
export interface NotifyReceipt {
  /** The `webhook-id` every subscriber receives. */
  message_id: string
  /** How many subscriptions matched, so how many deliveries were queued. */
  deliveries: number
  /**
   * Set when the idempotency key was already used by this owner within 24 hours: `message_id`
   * is the first message's, and nothing new was queued (`deliveries` is 0).
   */
  duplicate?: true
}

/**
 * Options of one `notify`.
 *
 * @example
 * await rh.notify('acme', 'invoice.paid', { id: 'inv_1' }, { idempotencyKey: 'inv_1-paid' })
 * await sql.begin((tx) => rh.notify('acme', 'invoice.paid', { id: 'inv_1' }, { tx }))
 */
export interface NotifyOptions {
  /**
   * Makes a retried `notify` safe: the same key from the same owner within 24 hours answers the
   * first message's id and queues nothing (1..255 printable ASCII characters).
   */
  idempotencyKey?: string | undefined
  /**
   * Your open transaction, to notify inside it (a transactional outbox): the message and its
   * deliveries are written in `tx`, so they commit with your own writes or not at all, and
   * delivery starts once `tx` commits. The `postgres` driver's `sql.begin((tx) => …)` `tx`, a
   * node-postgres client inside `BEGIN` (or any `SqlExecutor`), or the `tx` of
   * `sqlite(…).transaction((tx) => …)`. Subscriptions are matched when `notify` is called. The
   * memory queue refuses it: it has no transaction to join.
   */
  tx?: NotifyTransaction | undefined
}

/**
 * One attempt's outcome, as `results()` streams it.
 * - `delivered`: 2xx.
 * - `retrying`: failed, another attempt is scheduled at `next_attempt_at`.
 * - `failed`: failed and retries are exhausted.
 * - `gone`: 410, the subscription was removed.
 * - `disabled`: a final failure that reached `disableAfter`: the subscription is now disabled.
 */
export interface DeliveryResult {
  message_id: string
  delivery_id: string
  subscription_id: string
  owner: string
  event: string
  /** 1-based. */
  attempt: number
  outcome: 'delivered' | 'retrying' | 'failed' | 'gone' | 'disabled'
  response_status: number | null
  error: string | null
  duration_ms: number
  /** ms since the epoch, when `outcome` is `retrying`. */
  next_attempt_at: number | null
}

/**
 * Sends notifications to subscribers, retries them and reports every outcome.
 *
 * @example
 * const engine = createDeliveryEngine(options)
 * engine.start()
 * await engine.notify('acme', 'invoice.paid', { id: 'inv_1' })
 * for await (const result of engine.results()) console.log(result.outcome)
 */
export interface DeliveryEngine {
  /**
   * Matches subscriptions, logs the message and queues one delivery per subscription (durably,
   * in one write), wakes the workers. A reused idempotency key answers the first message.
   */
  notify(
    owner: string,
    event: string,
    data: unknown,
    options?: NotifyOptions,
  ): Promise<NotifyReceipt>
  /** Looks for due deliveries now (after a redeliver or a replay queued some). */
  wake(): void
  /**
   * Sends one message to a subscription now, outside the queue (no retry, nothing logged),
   * through the same transport, SSRF judgement and keys as deliveries: a test event.
   */
  sendNow(
    subscription: StoredSubscription,
    message: { id: string; event: string; body: string },
  ): Promise<AttemptOutcome>
  /**
   * Every delivery outcome from now on, for each caller. A consumer that falls 1000 results
   * behind loses the oldest (counted in `dropped`); delivery never waits for a reader. Ends when
   * the engine closes.
   */
  results(): AsyncIterable<DeliveryResult> & { readonly dropped: number }
  /**
   * With `{ operations: true }`: the delivery outcomes and the {@link OperationalEvent}s, in the
   * order they happened (an operational event has a `type`, a result an `outcome`).
   */
  results(options: {
    operations: true
  }): AsyncIterable<DeliveryResult | OperationalEvent> & { readonly dropped: number }
  /** Drops the pending deliveries of a deleted subscription. */
  cancel(subscriptionId: string): Promise<void>
  /** Starts the claim loop. Idempotent. */
  start(): void
  /**
   * Stops claiming, waits up to `graceMs` (default 10 s, on the engine's clock) for attempts in
   * flight, then aborts the rest and puts them back in the queue, due now.
   */
  close(options?: { graceMs?: number }): Promise<void>
}
