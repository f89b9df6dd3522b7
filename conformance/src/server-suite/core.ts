import { NotificationSchema, SubscriptionSchema } from '@rh/protocol'
import * as v from 'valibot'
import { check, fail, show, skip } from '../assert'
import { describeResult } from '../http'
import {
  deliveryWait,
  eventually,
  expectNoMoreDeliveries,
  expectNothingMore,
  expectStatus,
  idOf,
  jsonEqual,
  notify,
  pause,
  type ServerCase,
  subscribe,
} from './context'

/**
 * A retry may come this much earlier than its delay says: rh spreads delays by ±10 % (jitter),
 * the rest is room for clocks and scheduling.
 */
export const RETRY_EARLY_TOLERANCE = 0.25

const level = 'core'

/** The core level: subscribe, unsubscribe, delivery with its envelope, retries, 410. */
export const coreCases: ServerCase[] = [
  {
    id: 'core.subscribe',
    level,
    title: 'creates a subscription for a target URL and answers 201',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const event = context.event()
      const result = await context.api.subscribe({ target_url: receiver.url, events: [event] })
      const id = idOf(result)
      if (id !== undefined) scope.defer(() => context.api.unsubscribe(id))
      expectStatus(result, context.profile === 'rh' ? [201] : [200, 201], 'subscribe')
      check(id !== undefined, 'the answer has no id', 'a subscription with an id', result.text)
      if (context.profile !== 'rh') return
      const parsed = v.safeParse(SubscriptionSchema, result.json)
      if (!parsed.success) {
        fail('the answer is not a subscription resource', 'a Subscription', result.text)
      }
      const { target_url, events, status } = parsed.output
      check(
        target_url === receiver.url && jsonEqual(events, [event]) && status === 'active',
        'the subscription does not say what was asked',
        show({ target_url: receiver.url, events: [event], status: 'active' }),
        show({ target_url, events, status }),
      )
    },
  },
  {
    id: 'core.delivery',
    level,
    title: 'POSTs a notification to the target as JSON with the { type, timestamp, data } envelope',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const event = context.event()
      await subscribe(context, scope, receiver, [event])
      const data = { case: 'core.delivery', text: 'héllo', n: 1, list: [true, null] }
      await notify(context, event, data)
      const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (!delivery) return
      check(delivery.method === 'POST', 'the delivery is not a POST', 'POST', delivery.method)
      const type = delivery.headers['content-type'] ?? ''
      check(
        /^application\/json(\s*;.*)?$/.test(type),
        'the delivery is not JSON',
        'content-type: application/json',
        `content-type: ${type}`,
      )
      let body: unknown
      try {
        body = JSON.parse(delivery.body)
      } catch {
        fail('the delivery body is not JSON', 'a JSON envelope', delivery.body)
      }
      const envelope = v.safeParse(NotificationSchema, body)
      if (!envelope.success)
        fail('the body is not the envelope', '{ type, timestamp, data }', delivery.body)
      const expected = { type: event, data }
      check(
        envelope.output.type === event && jsonEqual(envelope.output.data, data),
        'the envelope does not carry the event',
        show(expected),
        show({ type: envelope.output.type, data: envelope.output.data }),
      )
      const skew = Math.abs(Date.parse(envelope.output.timestamp) - delivery.receivedAt)
      check(
        skew <= context.clockSkewMs,
        'the envelope timestamp is not the time of the event',
        `within ${context.clockSkewMs} ms of ${new Date(delivery.receivedAt).toISOString()}`,
        envelope.output.timestamp,
      )
    },
  },
  {
    id: 'core.event-filter',
    level,
    title: 'delivers a notification only to the subscriptions of its event',
    async run(context, scope) {
      const wanted = context.receivers.create()
      const other = context.receivers.create()
      const event = context.event()
      await subscribe(context, scope, wanted, [event])
      await subscribe(context, scope, other, [context.event()])
      await notify(context, event, { case: 'core.event-filter' })
      await expectNoMoreDeliveries(
        context,
        other,
        0,
        wanted,
        1,
        'a subscription of another event got the notification',
      )
    },
  },
  {
    id: 'core.fan-out',
    level,
    title: 'sends a notification to every subscriber with the same webhook-id and body bytes',
    async run(context, scope) {
      const [a, b] = [context.receivers.create(), context.receivers.create()]
      const event = context.event()
      await subscribe(context, scope, a, [event])
      await subscribe(context, scope, b, [event])
      await notify(context, event, { case: 'core.fan-out' })
      const [first] = await a.waitForDeliveries(1, deliveryWait(context))
      const [second] = await b.waitForDeliveries(1, deliveryWait(context))
      if (!first || !second) return
      const seen = (d: typeof first) => ({ id: d.headers['webhook-id'], body: d.body })
      check(
        jsonEqual(seen(first), seen(second)),
        'the subscribers got different messages',
        show(seen(first)),
        show(seen(second)),
      )
    },
  },
  {
    id: 'core.unsubscribe',
    level,
    title: 'stops delivering to a subscription once it is unsubscribed',
    async run(context, scope) {
      const removed = context.receivers.create()
      const event = context.event()
      const { id } = await subscribe(context, scope, removed, [event])
      const result = await context.api.unsubscribe(id)
      expectStatus(result, context.profile === 'rh' ? [204] : [200, 204], 'unsubscribe')
      await notify(context, event, { case: 'core.unsubscribe' })
      await expectNothingMore(
        context,
        scope,
        removed,
        0,
        'an unsubscribed target still got a delivery',
      )
    },
  },
  {
    id: 'core.retry',
    level,
    title: 'retries a delivery its receiver answered 500, after the first delay of the schedule',
    async run(context, scope) {
      const receiver = context.receivers.create({
        reply: (_, i) => ({ status: i === 0 ? 500 : 204 }),
      })
      const event = context.event()
      await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'core.retry' })
      const [first, second] = await receiver.waitForDeliveries(2, deliveryWait(context, 1))
      if (!first || !second) return
      const delay = context.retrySchedule[0] ?? 0
      const gap = second.receivedAt - first.receivedAt
      check(
        gap >= delay * (1 - RETRY_EARLY_TOLERANCE),
        'the retry came before its delay',
        `a retry about ${delay} ms after the first attempt`,
        `${gap} ms`,
      )
    },
  },
  {
    id: 'core.retry-limit',
    level,
    title: 'retries as many times as the schedule says, at its delays, then gives up',
    async run(context, scope) {
      const receiver = context.receivers.create({ reply: () => ({ status: 500 }) })
      const event = context.event()
      await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'core.retry-limit' })
      const schedule = context.retrySchedule
      const attempts = await receiver.waitForDeliveries(
        schedule.length + 1,
        deliveryWait(context, schedule.length),
      )
      const gaps = attempts.slice(1).map((a, i) => a.receivedAt - (attempts[i]?.receivedAt ?? 0))
      check(
        gaps.every((gap, i) => gap >= (schedule[i] ?? 0) * (1 - RETRY_EARLY_TOLERANCE)),
        'a retry came before its delay',
        `delays of about ${schedule.join(', ')} ms`,
        `${gaps.join(', ')} ms`,
      )
      // One more delay than the longest of the schedule, to see that no attempt follows.
      await pause(Math.max(0, ...schedule) * 1.5 + context.settleMs)
      check(
        receiver.deliveries.length === schedule.length + 1,
        'the server retried more often than its schedule says',
        `${schedule.length + 1} attempts`,
        `${receiver.deliveries.length}`,
      )
    },
  },
  {
    id: 'core.gone',
    level,
    title: 'removes a subscription whose receiver answered 410 Gone',
    async run(context, scope) {
      const gone = context.receivers.create({ reply: () => ({ status: 410 }) })
      const event = context.event()
      const { id } = await subscribe(context, scope, gone, [event])
      await notify(context, event, { case: 'core.gone', n: 1 })
      await gone.waitForDeliveries(1, deliveryWait(context))
      if (context.profile === 'rh') {
        let last = ''
        const removed = await eventually(async () => {
          const result = await context.api.get(id)
          last = describeResult(result)
          return result.status === 404
        }, context.timeoutMs)
        check(removed, 'the subscription is still there after 410', `GET ${id}: 404`, last)
        return
      }
      // The 410 arrived; let the server read it before it is asked to notify again.
      await pause(context.settleMs)
      await notify(context, event, { case: 'core.gone', n: 2 })
      await expectNothingMore(
        context,
        scope,
        gone,
        1,
        'a target that answered 410 still gets deliveries',
      ).catch((error: unknown) => {
        // Name what was seen: retries of the answered notification, or later notifications.
        const retried = gone.deliveries.filter((d) => d.body.includes('"n":1')).length - 1
        if (retried > 0) {
          fail(
            'the server retried a delivery its target answered 410 Gone',
            'no retry after 410, and no later delivery',
            `${retried} retries of the first notification, ${gone.deliveries.length} requests in all`,
          )
        }
        throw error
      })
    },
  },
  {
    id: 'core.unsubscribe-cancels-retries',
    level,
    title: 'drops the pending retries of a subscription once it is unsubscribed',
    async run(context, scope) {
      const receiver = context.receivers.create({ reply: () => ({ status: 500 }) })
      const event = context.event()
      const { id } = await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'core.unsubscribe-cancels-retries' })
      await receiver.waitForDeliveries(1, deliveryWait(context))
      await context.api.unsubscribe(id)
      await pause((context.retrySchedule[0] ?? 0) * 1.5 + context.settleMs)
      check(
        receiver.deliveries.length === 1,
        'a retry was sent after unsubscribe',
        '1 attempt',
        `${receiver.deliveries.length}`,
      )
    },
  },
  {
    id: 'core.auto-disable',
    level,
    title: 'disables a subscription after its threshold of consecutive failed deliveries',
    async run(context, scope) {
      const threshold = context.disableAfter
      if (threshold === undefined) skip("needs the server's threshold (--disable-after)")
      const receiver = context.receivers.create({ reply: () => ({ status: 500 }) })
      const event = context.event()
      const { id } = await subscribe(context, scope, receiver, [event])
      for (let n = 0; n < threshold; n++)
        await notify(context, event, { case: 'core.auto-disable', n })
      const attempts = threshold * (context.retrySchedule.length + 1)
      await receiver.waitForDeliveries(
        attempts,
        deliveryWait(context, context.retrySchedule.length),
      )
      if (context.profile === 'rh') {
        let last = ''
        const disabled = await eventually(async () => {
          const result = await context.api.get(id)
          last = describeResult(result)
          return (result.json as { status?: unknown } | undefined)?.status === 'disabled'
        }, context.timeoutMs)
        check(disabled, 'the subscription was not disabled', 'status: disabled', last)
      }
      // The last failure arrived; let the server read it before it is asked to notify again.
      if (context.profile !== 'rh') await pause(context.settleMs)
      await notify(context, event, { case: 'core.auto-disable', n: threshold })
      await expectNothingMore(
        context,
        scope,
        receiver,
        attempts,
        'a disabled subscription still gets deliveries',
      )
      if (context.profile !== 'rh') return
      const enabled = await context.api.update(id, { status: 'active' })
      check(
        (enabled.json as { status?: unknown } | undefined)?.status === 'active',
        'the owner cannot re-enable it',
        '200 with status: active',
        describeResult(enabled),
      )
    },
  },
]
