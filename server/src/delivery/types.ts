import type { Clock } from '../clock'
import type { DeliveryQueue } from '../queue/delivery-queue'
import type { SubscriptionStore } from '../store/subscription-store'
import type { RetryPolicy } from './retry-policy'
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
  /** Turns the SSRF checks of IP-literal targets off (local development, tests). Default false. */
  allowPrivateTargets?: boolean
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
