import { DEFAULT_DISABLE_AFTER_FAILURES } from '@rh/protocol'
import { ResthooksError } from '../errors'
import { newId } from '../ids'
import { isoTime } from '../iso-time'
import type { DeliveryJob } from '../queue/delivery-queue'
import type { MessageRecord } from '../queue/message-log'
import { targetJudge } from '../ssrf/judge-target'
import type { StoredSubscription } from '../store/subscription-store'
import { createClaimLoop } from './claim-loop'
import { createDeadlines } from './deadlines'
import { type Dispatch, Flight } from './flight'
import { HostLines, LINE_WAIT_MS } from './host-lines'
import { idempotencyKeyOf } from './idempotency-key'
import { createKeyedLock } from './keyed-lock'
import { createMessagePruner, DEFAULT_MESSAGE_RETENTION_MS } from './message-pruner'
import {
  defaultFailingAfter,
  type OperationalEvent,
  operationalEventsOf,
} from './operational-events'
import { passingFilters } from './passing-filters'
import { createResultsStream } from './results-stream'
import { resolveRetryPolicy } from './retry-policy'
import { type AttemptOutcome, sendAttempt } from './send-attempt'
import { settleAttempt } from './settle-attempt'
import type { DeliveryEngine, DeliveryEngineOptions, DeliveryResult } from './types'

/**
 * The delivery engine, as stages: the {@link createClaimLoop claim loop} claims due jobs while
 * there is room; each claimed batch reads its subscriptions once and judges each target once;
 * {@link HostLines} gives each job a slot (per host and in all) or a place in its host's line;
 * {@link sendAttempt} signs, sends and classifies one attempt; {@link settleAttempt} writes its
 * consequences as data (attempt log, reschedule or complete, subscription updates), and the
 * freed slot goes to the next waiting job.
 *
 * @example
 * const engine = createDeliveryEngine({
 *   store, queue, clock: systemClock, transport: createTransport(),
 *   signers: createSigners({ secret: 'whsec_...' }),
 * })
 * engine.start()
 * const { message_id } = await engine.notify('acme', 'invoice.paid', { id: 'inv_1' })
 * await engine.close()
 */
export function createDeliveryEngine(options: DeliveryEngineOptions): DeliveryEngine {
  const { store, queue, clock } = options
  const observer = options.observer ?? null
  const timeout = options.timeout ?? 10_000
  const globalLimit = options.concurrency?.global ?? 64
  const lines = new HostLines({
    global: globalLimit,
    perHost: options.concurrency?.perHost ?? 8,
    putBack: ({ job }, until) => settle(() => queue.reschedule(job.id, job.attempt, until)),
  })
  const judge = targetJudge(options.allowPrivateTargets ?? false)
  const stream = createResultsStream<DeliveryResult, OperationalEvent>()
  const attemptContext = {
    transport: options.transport,
    signers: options.signers,
    clock,
    // Every attempt has the same timeout: their deadlines share one timer.
    deadlines: createDeadlines(clock, timeout),
    maxResponseBytes: options.maxResponseBytes ?? 64 * 1024,
  }
  const settleContext = {
    store,
    queue,
    policy: resolveRetryPolicy(options.retry),
    disableAfter: options.disableAfter ?? DEFAULT_DISABLE_AFTER_FAILURES,
    lock: createKeyedLock(),
  }
  const operations = {
    store,
    clock,
    disableAfter: settleContext.disableAfter,
    failingAfter: options.failingAfter ?? defaultFailingAfter(settleContext.disableAfter),
  }
  const pruner = createMessagePruner({
    queue,
    clock,
    retentionMs: options.retention?.messages ?? DEFAULT_MESSAGE_RETENTION_MS,
  })
  const flights = new Set<Flight>()
  let claimed = 0 // jobs between claim and attempt (reading their subscription)
  let settling = 0 // attempts answered, their outcome being written
  let closing: Promise<void> | null = null
  let unsubscribeWake: (() => void) | null = null
  let cancelTrim: (() => void) | null = null
  const loop = createClaimLoop({
    queue,
    clock,
    globalLimit,
    // A lease outlives an attempt plus a wait in a host's line; then the job is claimable again.
    leaseMs: options.leaseMs ?? Math.max(60_000, 3 * timeout),
    held: () => claimed + lines.inFlight + lines.waiting + settling,
    dispatch: dispatchAll,
  })

  /** Reads each subscription of a claimed batch once, for all its jobs, then dispatches them. */
  function dispatchAll(jobs: DeliveryJob[]) {
    claimed += jobs.length
    for (const group of bySubscription(jobs)) {
      const { owner, subscription_id } = group[0] as DeliveryJob
      attempted(() => store.get(owner, subscription_id)).then(
        (subscription) => {
          for (const job of group) dispatch(job, subscription)
        },
        () => {
          // The leases run out and the jobs are claimed again: nothing is lost.
          claimed -= group.length
          loop.wake()
        },
      )
    }
  }

  /** A job starts, waits in its host's line, or (rarely) goes back to the queue. */
  function dispatch(job: DeliveryJob, subscription: StoredSubscription | null) {
    claimed--
    if (!loop.running) return settle(() => queue.reschedule(job.id, job.attempt, clock.now()))
    // Deleted, paused or disabled since notify: the delivery is dropped, not attempted.
    if (subscription?.status !== 'active') return settle(() => queue.complete(job.id, 'cancelled'))
    const entry = { job, subscription, target: judge(subscription.target_url) }
    const admission = lines.admit(entry, clock.now())
    if (admission === 'start') return fly(entry)
    if (admission === 'wait') watchLines()
    loop.wake()
  }

  /**
   * While jobs wait in lines, looks a few times per {@link LINE_WAIT_MS} whether a host has
   * slowed down or hangs, and gives back what its line would not send soon: no new claim or
   * finished attempt may come to do it while the held jobs fill the engine's room.
   */
  function watchLines() {
    if (cancelTrim) return
    cancelTrim = clock.setTimer(() => {
      cancelTrim = null
      if (!loop.running) return
      lines.trim(clock.now())
      if (lines.waiting > 0) watchLines()
    }, LINE_WAIT_MS / 4)
  }

  /** Holds a slot until a job handed back to the queue is written (or failed: its lease runs out). */
  function settle(write: () => Promise<void>) {
    claimed++
    const done = () => {
      claimed--
      loop.wake()
    }
    attempted(write).then(done, done)
  }

  function fly(entry: Dispatch) {
    const flight = new Flight(entry)
    flights.add(flight)
    flight.done = run(flight)
  }

  /**
   * One attempt, then its consequences. The slot goes to the next waiting job as soon as the
   * receiver has answered, not once the outcome is written: the writes of many attempts then
   * share one commit of a durable queue, instead of `perHost` at a time.
   */
  async function run(flight: Flight) {
    let outcome: AttemptOutcome | undefined
    let settled: DeliveryResult | null = null
    try {
      outcome = await sendAttempt(flight, attemptContext)
    } catch {
      // Never, by its contract; the job's lease runs out and it is tried again.
    } finally {
      settling++
      lines.release(flight.dispatch, clock.now(), loop.running ? fly : null)
    }
    try {
      // Unless close() took the job back meanwhile.
      if (outcome && !flight.released) {
        flight.settling = true
        const { job, subscription } = flight.dispatch
        const result = await settleAttempt({ job, subscription, ...outcome }, settleContext)
        settled = result
        // A final failure's operational events follow its result straight, in the same tick.
        const events =
          result.outcome === 'failed' || result.outcome === 'disabled'
            ? await operationalEvents(result)
            : null
        stream.publish(result)
        if (events) tell(events)
      }
    } catch {
      // A store or queue error while settling: the lease runs out and the job is retried.
    } finally {
      settling--
      flights.delete(flight)
      // Telemetry, when configured (it never throws); without it, this is the only cost.
      if (observer !== null && outcome) observer.attempted(flight.dispatch, outcome, settled)
      loop.wake()
    }
  }

  /** The operational events of a final failure. */
  async function operationalEvents(result: DeliveryResult): Promise<OperationalEvent[]> {
    try {
      return await operationalEventsOf(result, operations)
    } catch {
      // The count could not be read back: no `subscription.failing` this time; the rest stands.
      return operationalEventsOf(result, { ...operations, failingAfter: Number.POSITIVE_INFINITY })
    }
  }

  /** Operational events to the stream and the callback. */
  function tell(events: OperationalEvent[]) {
    const report = (error: unknown) => console.error('rh: onOperationalEvent failed', error)
    for (const event of events) {
      stream.publishExtra(event)
      try {
        // An async callback's rejection is reported too, never left unhandled.
        const returned: unknown = options.onOperationalEvent?.(event)
        if (returned instanceof Promise) returned.catch(report)
      } catch (error) {
        report(error)
      }
    }
  }

  return {
    async notify(owner, event, data, notifyOptions) {
      const idempotencyKey = idempotencyKeyOf(notifyOptions?.idempotencyKey)
      const tx = notifyOptions?.tx
      if (tx !== undefined && !queue.enqueueIn) {
        throw new ResthooksError(
          'invalid_request',
          'this queue cannot join a transaction (the memory queue has none): notify without tx, or use postgres() or sqlite() storage',
        )
      }
      // Matched now, outside `tx`: a subscription created in `tx` itself is not seen.
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
      const message = {
        id: messageId,
        owner,
        event,
        body,
        created_at: now,
        idempotency_key: idempotencyKey,
      }
      const jobs = passingFilters(subscriptions, body).map((subscription) =>
        newJob(subscription, message, now),
      )
      // Logged also without subscribers: a later subscriber can replay it.
      const written =
        tx !== undefined && queue.enqueueIn
          ? await queue.enqueueIn(tx, jobs, message)
          : await queue.enqueue(jobs, message)
      if (written?.duplicateOf) {
        return { message_id: written.duplicateOf, deliveries: 0, duplicate: true }
      }
      if (!closing) this.start()
      // In the caller's transaction nothing is visible yet: its commit wakes the workers.
      if (tx === undefined) loop.wake()
      return { message_id: messageId, deliveries: jobs.length }
    },

    wake() {
      if (!closing) this.start()
      loop.wake()
    },

    sendNow(subscription, message) {
      const job = newJob(subscription, message, clock.now())
      const flight = new Flight({ job, subscription, target: judge(subscription.target_url) })
      return sendAttempt(flight, attemptContext)
    },

    results: ((options?: { operations?: boolean }) =>
      options?.operations
        ? stream.iterable({ extras: true })
        : stream.iterable()) as DeliveryEngine['results'],

    async cancel(subscriptionId) {
      lines.cancel(subscriptionId)
      await queue.cancelSubscription(subscriptionId)
    },

    start() {
      if (loop.running || closing) return
      unsubscribeWake = queue.onWake?.(loop.wake) ?? null
      loop.start()
      pruner.start()
    },

    close({ graceMs = 10_000 } = {}) {
      if (closing) return closing
      loop.stop()
      unsubscribeWake?.()
      cancelTrim?.()
      const inFlight = [...flights]
      let cancelGrace = () => {}
      // Set now, not after an await, so the grace period starts when close() is called.
      const graceOver = new Promise<void>((resolve) => {
        cancelGrace = clock.setTimer(resolve, graceMs)
      })
      const pruned = pruner.stop()
      closing = (async () => {
        const now = clock.now()
        await Promise.allSettled(
          lines.drain().map(({ job }) => queue.reschedule(job.id, job.attempt, now)),
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
        await pruned
        stream.end()
      })()
      return closing
    },
  }
}

/** A new delivery of `message` to `subscription` (of the message's owner), due at `now`. */
function newJob(
  subscription: StoredSubscription,
  message: Pick<MessageRecord, 'id' | 'event' | 'body'>,
  now: number,
): DeliveryJob {
  return {
    id: newId('dlv', now),
    message_id: message.id,
    subscription_id: subscription.id,
    owner: subscription.owner,
    event: message.event,
    body: message.body,
    attempt: 0,
    next_attempt_at: now,
    created_at: now,
    ...(subscription.ordering === 'fifo' ? { fifo: true } : {}),
  }
}

/** A claimed batch in groups of one subscription's jobs (most batches are runs of one). */
function bySubscription(jobs: DeliveryJob[]): Iterable<DeliveryJob[]> {
  const groups = new Map<string, DeliveryJob[]>()
  let last: DeliveryJob[] | undefined
  for (const job of jobs) {
    // A run of one subscription's jobs needs no key built.
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
  return groups.values()
}

/** `call()`, with a synchronous throw (a store or queue that is not async) as a rejection. */
function attempted<T>(call: () => Promise<T>): Promise<T> {
  try {
    return call()
  } catch (error) {
    return Promise.reject(error)
  }
}
