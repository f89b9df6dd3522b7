import { DEFAULT_DISABLE_AFTER_FAILURES } from '@rh/protocol'
import { ResthooksError } from '../errors'
import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { DeliveryJob } from '../queue/delivery-queue'
import { addressRefusal } from '../ssrf/address-refusal'
import { checkUrl, guardTarget, ipLiteralOf } from '../ssrf/guard-target'
import type { StoredSubscription } from '../store/subscription-store'
import { type AttemptVerdict, classifyStatus } from './classify-response'
import { createDeadlines } from './deadlines'
import { signedHeaders } from './delivery-headers'
import { handshake } from './handshake'
import { createKeyedLock } from './keyed-lock'
import { describeNetworkError } from './network-error'
import { createResultsStream } from './results-stream'
import { defaultRetryPolicy } from './retry-policy'
import { settleAttempt } from './settle-attempt'
import { createSigners } from './signing'
import type { AbortHook, AbortListener, TransportRequest } from './transport'
import { createTransport } from './transports/create-transport'
import { memoByTarget } from './transports/target-cache'
import type { DeliveryEngine, DeliveryEngineOptions, DeliveryResult } from './types'

/**
 * An attempt on the wire, and how it is aborted (at its deadline, or by `close()`): it is the
 * request's {@link AbortHook}, and makes the request's `signal` only for a transport that reads
 * it (an `AbortController` and a listener per attempt are a measurable share of a delivery).
 * `released` once `close()` gave its job back to the queue.
 */
class Flight implements AbortHook {
  settling = false
  released = false
  /** The attempt and its consequences; set as soon as it starts. */
  done: Promise<void> | undefined = undefined
  aborted = false
  reason: unknown = undefined
  listener: AbortListener | null = null
  private controller: AbortController | null = null

  constructor(readonly job: DeliveryJob) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController()
      if (this.aborted) this.controller.abort(this.reason)
    }
    return this.controller.signal
  }

  abort(): void {
    if (this.aborted) return
    this.aborted = true
    // The reason an `AbortController` gives by default, so every transport sees the same.
    this.reason = new DOMException('This operation was aborted', 'AbortError')
    this.controller?.abort(this.reason)
    const listener = this.listener
    this.listener = null
    listener?.onAbort(this.reason)
  }
}

/** The request of one attempt; its `signal` is the flight's, made on first read. */
class AttemptRequest implements TransportRequest {
  constructor(
    readonly url: string,
    readonly headers: Record<string, string>,
    readonly body: string,
    readonly maxResponseBytes: number,
    readonly abortHook: Flight,
  ) {}

  get signal(): AbortSignal {
    return this.abortHook.signal
  }
}

interface Waiting {
  job: DeliveryJob
  subscription: StoredSubscription
}

/**
 * When a job's host is at its limit and its waiting line is full, the job goes back to the queue
 * for this long, in ms: `min` at first, doubling up to `max` while the host stays saturated, and
 * back to `min` once its line has emptied. A fast receiver's overflow is sent moments later (a
 * fan-out to a few hosts does not stall for a second); a slow one's waits up to `max` between
 * looks, so it costs few claims.
 */
const HOST_BUSY_DELAY = { min: 10, max: 1000 }
/** After a queue error (database down), try claiming again after this long, in ms. */
const QUEUE_ERROR_DELAY = 1000

/**
 * The delivery engine: a claim loop over the {@link DeliveryEngineOptions.queue}. It claims as
 * many due jobs as it has free slots, attempts each (signed afresh, one deadline), settles the
 * outcome as data (attempt log, reschedule or complete, subscription updates), and sleeps until
 * the queue's next due time on the injected clock, or until `notify` or `queue.onWake` wakes it.
 *
 * Per-host fairness: a host at `perHost` attempts keeps at most `perHost` more jobs waiting in
 * memory; further jobs for it are put back, 10 ms later at first and up to 1 s while the host
 * stays saturated, so a slow receiver never holds the global slots that other hosts need.
 *
 * @example
 * const engine = createDeliveryEngine({
 *   store, queue, clock: systemClock, signing: { secret: 'whsec_...' },
 * })
 * engine.start()
 * const { message_id } = await engine.notify('acme', 'invoice.paid', { id: 'inv_1' })
 * await engine.close()
 */
export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  const { store, queue, clock } = options
  const policy = { ...defaultRetryPolicy, ...options.retry }
  const disableAfter = options.disableAfter ?? DEFAULT_DISABLE_AFTER_FAILURES
  const globalLimit = options.concurrency?.global ?? 64
  const perHost = options.concurrency?.perHost ?? 8
  const timeout = options.timeout ?? 10_000
  const maxResponseBytes = options.maxResponseBytes ?? 64 * 1024
  const allowPrivateTargets = options.allowPrivateTargets ?? false
  const transport =
    options.transport ??
    createTransport({ allowPrivateTargets, resolve: options.resolve, connections: perHost })
  const signers = createSigners(options.signing)
  const stream = createResultsStream<DeliveryResult>()
  // A lease outlives an attempt plus a wait in a host's line; then the job is claimable again.
  const leaseMs = options.leaseMs ?? Math.max(60_000, 3 * timeout)
  const settleContext = { store, queue, policy, disableAfter, lock: createKeyedLock() }
  // Every attempt has the same timeout: their deadlines share one timer.
  const deadlines = createDeadlines(clock, timeout)
  const targets = memoByTarget((target) => inspectTarget(target, allowPrivateTargets))

  let running = false
  let closing: Promise<void> | null = null
  let claiming = false
  let claimAgain = false
  let claimed = 0 // jobs between claim and attempt (reading their subscription)
  let cancelTimer: (() => void) | null = null
  let unsubscribeWake: (() => void) | null = null
  const flights = new Set<Flight>()
  const hostActive = new Map<string, number>()
  const lines = new Map<string, Waiting[]>()
  /** Saturated hosts: when their put-back jobs are due, and the delay that chose it. */
  const busyHosts = new Map<string, { delay: number; until: number }>()
  let waiting = 0

  // Jobs held in memory (being read, in flight, waiting in a line) stay under two global
  // limits' worth: the second half is claimed ahead, so a finishing attempt starts the next one
  // at once, and the queue is asked in batches (of at least half a limit) rather than per job.
  const capacity = 2 * globalLimit
  const minBatch = Math.max(1, Math.floor(globalLimit / 2))
  const free = () => capacity - claimed - flights.size - waiting
  /** How many to claim now: none unless a slot is idle or a whole batch fits. */
  const wanted = () => {
    const room = free()
    return room >= minBatch || claimed + flights.size + waiting < globalLimit ? room : 0
  }

  function wake() {
    if (!running) return
    // The running loop looks again before it sleeps (no call, so no promise, per wake).
    if (claiming) claimAgain = true
    // Nothing to claim while enough is held; the next finishing attempt looks again.
    else if (wanted() > 0) void claimLoop()
  }

  async function claimLoop(): Promise<void> {
    if (claiming) {
      claimAgain = true // the running loop looks again before it sleeps
      return
    }
    claiming = true
    try {
      for (let spins = 0; running; spins++) {
        claimAgain = false
        const limit = wanted()
        // Full enough: a finishing attempt wakes us, so there is nothing to wait for.
        if (limit <= 0) break
        const jobs = await queue.claim(clock.now(), limit, leaseMs)
        if (jobs.length > 0) dispatchAll(jobs)
        if (jobs.length === limit) continue
        const due = await queue.nextDueAt()
        if (claimAgain) continue
        const delay = due === null ? null : due - clock.now()
        if (delay !== null && delay <= 0) {
          // Due now: claim again if a slot is free (a finishing attempt wakes us otherwise).
          if (wanted() > 0 && spins < 100) continue
          sleep(wanted() > 0 ? QUEUE_ERROR_DELAY : null)
        } else {
          sleep(delay)
        }
        break
      }
    } catch {
      if (running) sleep(QUEUE_ERROR_DELAY)
    } finally {
      claiming = false
    }
  }

  function sleep(ms: number | null) {
    cancelTimer?.()
    cancelTimer = null
    if (ms !== null && running) cancelTimer = clock.setTimer(wake, ms)
  }

  /**
   * Dispatches a claimed batch, reading each subscription once for all its jobs; each job then
   * starts, waits in its host's line, or (rarely) goes back to the queue.
   */
  function dispatchAll(jobs: DeliveryJob[]) {
    claimed += jobs.length
    const groups = new Map<string, DeliveryJob[]>()
    let last: DeliveryJob[] | undefined
    for (const job of jobs) {
      // Most batches are runs of one subscription's jobs: no key to build for those.
      const first = last?.[0]
      if (last && first?.subscription_id === job.subscription_id && first.owner === job.owner) {
        last.push(job)
        continue
      }
      const key = `${job.owner}\n${job.subscription_id}`
      last = groups.get(key)
      if (last) {
        last.push(job)
      } else {
        last = [job]
        groups.set(key, last)
      }
    }
    for (const group of groups.values()) {
      const { owner, subscription_id } = group[0] as DeliveryJob
      attempted(() => store.get(owner, subscription_id)).then(
        (subscription) => {
          for (const job of group) dispatch(job, subscription)
        },
        () => {
          // The leases run out and the jobs are claimed again: nothing is lost.
          claimed -= group.length
          wake()
        },
      )
    }
  }

  function dispatch(job: DeliveryJob, subscription: StoredSubscription | null) {
    claimed--
    if (!running) return settle(() => queue.reschedule(job.id, job.attempt, clock.now()))
    // Deleted, paused or disabled since notify: the delivery is dropped, not attempted.
    if (subscription?.status !== 'active') return settle(() => queue.complete(job.id))
    const host = targets(subscription.target_url).host
    const active = hostActive.get(host) ?? 0
    if (active < perHost && flights.size < globalLimit && !lines.has(host)) {
      startAttempt(job, subscription, host)
      return
    }
    const line = lines.get(host)
    const length = line?.length ?? 0
    // Waiting for its host (a host's line is at most `perHost` long) or for a global slot.
    if (length < perHost || (active < perHost && length < globalLimit)) {
      if (line) line.push({ job, subscription })
      else lines.set(host, [{ job, subscription }])
      waiting++
    } else {
      const until = busyUntil(host)
      settle(() => queue.reschedule(job.id, job.attempt, until))
    }
    wake()
  }

  /**
   * When a saturated host's put-back jobs are due: the jobs put back together share one time,
   * and a host still saturated when that time has come waits twice as long the next time.
   */
  function busyUntil(host: string): number {
    const now = clock.now()
    const busy = busyHosts.get(host)
    if (!busy) {
      const fresh = { delay: HOST_BUSY_DELAY.min, until: now + HOST_BUSY_DELAY.min }
      busyHosts.set(host, fresh)
      return fresh.until
    }
    if (now >= busy.until) {
      busy.delay = Math.min(2 * busy.delay, HOST_BUSY_DELAY.max)
      busy.until = now + busy.delay
    }
    return busy.until
  }

  /** Holds a slot until a job handed back to the queue is written (or failed: its lease runs out). */
  function settle(write: () => Promise<void>) {
    claimed++
    const done = () => {
      claimed--
      wake()
    }
    attempted(write).then(done, done)
  }

  function startAttempt(job: DeliveryJob, subscription: StoredSubscription, host: string) {
    hostActive.set(host, (hostActive.get(host) ?? 0) + 1)
    const flight = new Flight(job)
    flights.add(flight)
    flight.done = fly(flight, subscription, host)
  }

  /**
   * One attempt (signed afresh, under one deadline), its consequences, then the slot goes to
   * the next job. One async function for all of it: each further one costs a promise and
   * microtask hops per delivery.
   */
  async function fly(flight: Flight, subscription: StoredSubscription, host: string) {
    const { job } = flight
    try {
      const startedAt = clock.now()
      const deadline = deadlines.start(flight, startedAt)
      let verdict: AttemptVerdict
      let status: number | null = null
      let retryAfter: string | undefined
      try {
        const refusal = targets(subscription.target_url).refusal
        if (refusal) throw refusal()
        const signer = signers.forSecret(subscription.secret)
        if (!signer) throw new Error('no signing key for this subscription')
        const timestamp = Math.floor(startedAt / 1000)
        const id = job.message_id
        const message = { id, timestamp, body: job.body }
        // A string at once where the key signs synchronously: no promise and no `await` for it.
        const signed = signer.signNow(message)
        const signature = typeof signed === 'string' ? signed : await signed
        const response = await transport(
          new AttemptRequest(
            subscription.target_url,
            signedHeaders(id, timestamp, signature),
            job.body,
            maxResponseBytes,
            flight,
          ),
        )
        status = response.status
        retryAfter = response.headers['retry-after']
        verdict = classifyStatus(status)
      } catch (error) {
        const message =
          error instanceof ResthooksError
            ? error.message
            : flight.aborted
              ? 'timeout'
              : describeNetworkError(error)
        verdict = { kind: 'failed', error: message, retryable: true }
      } finally {
        deadlines.cancel(deadline)
      }
      // Unless close() took the job back meanwhile.
      if (!flight.released) {
        flight.settling = true
        const endedAt = clock.now()
        const report = { job, subscription, verdict, status, retryAfter, startedAt, endedAt }
        stream.publish(await settleAttempt(report, settleContext))
      }
    } catch {
      // A store or queue error while settling: the lease runs out and the job is retried.
    } finally {
      flights.delete(flight)
      const active = (hostActive.get(host) ?? 1) - 1
      if (active === 0) hostActive.delete(host)
      else hostActive.set(host, active)
      if (running) startWaiting()
      // Its line has emptied: the host has caught up, its next overflow waits the least again.
      if (busyHosts.size > 0 && !lines.has(host)) busyHosts.delete(host)
      wake()
    }
  }

  /**
   * Starts waiting jobs while global slots are free: hosts take turns (a host that started one
   * goes to the back), and a host at its `perHost` limit is skipped.
   */
  function startWaiting() {
    for (let progress = true; progress && waiting > 0; ) {
      progress = false
      for (const host of lines.keys()) {
        if (flights.size >= globalLimit) return
        if ((hostActive.get(host) ?? 0) >= perHost) continue
        const line = lines.get(host) as Waiting[]
        const next = line.shift() as Waiting
        waiting--
        // To the back of the turn order (a lone host needs no move; the outer loop revisits it).
        if (line.length === 0) lines.delete(host)
        else if (lines.size > 1) {
          lines.delete(host)
          lines.set(host, line)
        }
        startAttempt(next.job, next.subscription, host)
        progress = true
      }
    }
  }

  return {
    async notify(owner, event, data) {
      const subscriptions = await store.match(owner, event)
      const now = clock.now()
      const messageId = newId('msg', now)
      let body: string
      try {
        body = JSON.stringify({ type: event, timestamp: isoTime(now), data })
      } catch (error) {
        throw new ResthooksError('invalid_request', 'data is not JSON-serializable', {
          cause: error,
        })
      }
      const jobs = subscriptions.map((subscription) => ({
        id: newId('dlv', now),
        message_id: messageId,
        subscription_id: subscription.id,
        owner,
        event,
        body,
        attempt: 0,
        next_attempt_at: now,
        created_at: now,
      }))
      if (jobs.length > 0) await queue.enqueue(jobs)
      if (!closing) this.start()
      wake()
      return { message_id: messageId, deliveries: jobs.length }
    },

    results: () => stream.iterable(),

    async guardTarget(url) {
      await guardTarget(url, { resolve: options.resolve, allowPrivateTargets })
    },

    async handshake(target) {
      await guardTarget(target.target_url, { resolve: options.resolve, allowPrivateTargets })
      await handshake(target, {
        transport,
        clock,
        signer: signers.forSecret(target.secret),
        timeout: Math.min(timeout, 5000),
        maxResponseBytes,
      })
    },

    newSubscriptionSecret: () => signers.newSecret(),

    async cancel(subscriptionId) {
      for (const [host, line] of lines) {
        const kept = line.filter((entry) => entry.job.subscription_id !== subscriptionId)
        waiting -= line.length - kept.length
        if (kept.length === 0) lines.delete(host)
        else lines.set(host, kept)
      }
      await queue.cancelSubscription(subscriptionId)
    },

    start() {
      if (running || closing) return
      running = true
      unsubscribeWake = queue.onWake?.(wake) ?? null
      wake()
    },

    close({ graceMs = 10_000 } = {}) {
      if (closing) return closing
      running = false
      sleep(null)
      unsubscribeWake?.()
      const inFlight = [...flights]
      let cancelGrace = () => {}
      // Set now, not after an await, so the grace period starts when close() is called.
      const graceOver = new Promise<void>((resolve) => {
        cancelGrace = clock.setTimer(resolve, graceMs)
      })
      closing = (async () => {
        const now = clock.now()
        const parked = [...lines.values()].flat()
        lines.clear()
        waiting = 0
        await Promise.allSettled(
          parked.map(({ job }) => queue.reschedule(job.id, job.attempt, now)),
        )
        await Promise.race([Promise.allSettled(inFlight.map((f) => f.done)), graceOver])
        cancelGrace()
        const unfinished = [...flights].filter((f) => !f.settling)
        for (const flight of unfinished) {
          flight.released = true
          flight.abort()
        }
        await Promise.allSettled(
          unfinished.map((f) => queue.reschedule(f.job.id, f.job.attempt, clock.now())),
        )
        await Promise.allSettled([...flights].map((f) => f.done))
        stream.end()
        if (!options.transport) await transport.close?.()
      })()
      return closing
    },
  }
}

/** What the engine needs to know of a target URL, worked out once per URL. */
interface TargetInfo {
  /** The host (with port) it connects to: the unit of the per-host limit. */
  host: string
  /** Scheme, credentials and IP literal checked (no DNS): the error to throw, or `null`. */
  refusal: (() => ResthooksError) | null
}

function inspectTarget(target: string, allowPrivateTargets: boolean): TargetInfo {
  let url: URL
  try {
    url = checkUrl(target)
  } catch (error) {
    const { code, message } = error as ResthooksError
    let host = target
    try {
      host = new URL(target).host
    } catch {}
    return { host, refusal: () => new ResthooksError(code, message) }
  }
  const literal = allowPrivateTargets ? undefined : ipLiteralOf(url)
  const why = literal === undefined ? null : addressRefusal(literal)
  return {
    host: url.host,
    refusal: why
      ? () => new ResthooksError('target_refused', `target refused: ${literal} is ${why}`)
      : null,
  }
}

/** `call()`, with a synchronous throw (a store or queue that is not async) as a rejection. */
function attempted<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}
