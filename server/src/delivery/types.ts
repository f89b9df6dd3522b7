import type { Clock } from '../clock'
import type { DeliveryQueue } from '../queue/delivery-queue'
import type { Resolve } from '../ssrf/guard-target'
import type { SubscriptionStore } from '../store/subscription-store'
import type { RetryPolicy } from './retry-policy'
import type { SigningOptions } from './signing'
import type { Transport } from './transport'

/**
 * Options of `createDeliveryEngine`.
 *
 * @example
 * const options: DeliveryEngineOptions = {
 *   store: memoryStore(),
 *   queue: memoryQueue(),
 *   clock: systemClock,
 *   signing: { secret: process.env.WEBHOOK_SECRET! },
 * }
 */
export interface DeliveryEngineOptions {
  store: SubscriptionStore
  queue: DeliveryQueue
  clock: Clock
  signing: SigningOptions
  /** Default `{ retries: 3, initialDelay: 5000, factor: 3, maxDelay: 3_600_000, jitter: 0.1 }`. */
  retry?: Partial<RetryPolicy>
  /** Consecutive failed deliveries (final give-ups) before the subscription is disabled. Default 10. */
  disableAfter?: number
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
  /** Turns the SSRF address checks off (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /**
   * Default: undici on Node; on Bun and Deno, native fetch for IP-literal targets and node:http
   * with a connect-time address check for hostnames; fetch elsewhere (see `createTransport`).
   */
  transport?: Transport
  /** DNS for the SSRF checks; default the system resolver. */
  resolve?: Resolve
}

/** What `notify` accepted. */
export interface NotifyReceipt {
  /** The `webhook-id` every subscriber receives. */
  message_id: string
  /** How many subscriptions matched, so how many deliveries were queued. */
  deliveries: number
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
  /** Matches subscriptions, queues one delivery per subscription (durably), wakes the workers. */
  notify(owner: string, event: string, data: unknown): Promise<NotifyReceipt>
  /**
   * Every delivery outcome from now on, for each caller. A consumer that falls 1000 results
   * behind loses the oldest (counted in `dropped`); delivery never waits for a reader. Ends when
   * the engine closes.
   */
  results(): AsyncIterable<DeliveryResult> & { readonly dropped: number }
  /** Refuses a target before any connection; throws `ResthooksError('target_refused')`. */
  guardTarget(url: string): Promise<void>
  /** Intent verification; throws `ResthooksError('handshake_failed')` (or `target_refused`). */
  handshake(target: { target_url: string; events: string[]; secret: string | null }): Promise<void>
  /** A per-subscription secret when signing is per subscription, else `null`. */
  newSubscriptionSecret(): Promise<string | null>
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
