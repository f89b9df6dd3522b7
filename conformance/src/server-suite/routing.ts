import { check, fail, show, skip } from '../assert'
import { describeResult } from '../http'
import type { Receiver } from '../receivers'
import {
  deliveryWait,
  expectNoMoreDeliveries,
  expectNothingMore,
  expectProblem,
  jsonEqual,
  notify,
  type ServerCase,
  type ServerContext,
  subscribe,
} from './context'

const level = 'routing'

type Scope = Parameters<ServerCase['run']>[1]

/** Skips, saying why, unless the profile can have routing (only rh's subscription API can). */
function requireRoutingProfile(context: ServerContext): void {
  if (context.profile !== 'rh') {
    skip(`the ${context.profile} profile has no event patterns or payload filters`)
  }
}

/**
 * Subscribes `receiver` with `body` (events, filter), or skips the case when the server refuses
 * what only routing would accept: a 400 or 422 naming `what` tells a server without it.
 */
async function subscribeOrSkip(
  context: ServerContext,
  scope: Scope,
  receiver: Receiver,
  events: string[],
  what: 'patterns' | 'filters',
  filter?: unknown,
) {
  const body = { target_url: receiver.url, events, ...(filter === undefined ? {} : { filter }) }
  const probe = await context.api.subscribe(body)
  const id = (probe.json as { id?: unknown } | undefined)?.id
  if (typeof id === 'string') {
    scope.defer(() => context.api.unsubscribe(id))
    return { id, result: probe }
  }
  if (probe.status === 400 || probe.status === 422) {
    skip(`the server has no event ${what}: it answered ${describeResult(probe)}`)
  }
  return fail(
    `subscribing ${receiver.url} with ${what} failed`,
    '2xx with the subscription and its id',
    describeResult(probe),
  )
}

/** The `type` of each delivery's envelope, in arrival order. */
const typesOf = (receiver: Receiver) =>
  receiver.deliveries.map((delivery) => (JSON.parse(delivery.body) as { type?: string }).type)

/** Waits for `count` deliveries to `receiver`, then checks nothing more arrives. */
async function expectDeliveries(
  context: ServerContext,
  scope: Scope,
  receiver: Receiver,
  count: number,
  what: string,
) {
  await receiver.waitForDeliveries(count, deliveryWait(context))
  await expectNothingMore(context, scope, receiver, count, what)
}

/** The routing level: event patterns (`order.*`, `*`) and payload filters. */
export const routingCases: ServerCase[] = [
  {
    id: 'routing.prefix-pattern',
    level,
    title:
      'delivers to `prefix.*` the events one or more segments below the prefix, not the prefix',
    async run(context, scope) {
      requireRoutingProfile(context)
      const base = context.event()
      const receiver = context.receivers.create()
      await subscribeOrSkip(context, scope, receiver, [`${base}.*`], 'patterns')
      await notify(context, base, { case: 'routing.prefix-pattern', n: 0 })
      await notify(context, `${base}.created`, { case: 'routing.prefix-pattern', n: 1 })
      await notify(context, `${base}.created.v2`, { case: 'routing.prefix-pattern', n: 2 })
      await expectDeliveries(context, scope, receiver, 2, `${base}.* got the wrong deliveries`)
      const types = typesOf(receiver).sort()
      check(
        types.join(',') === `${base}.created,${base}.created.v2`,
        `${base}.* got the wrong events`,
        `${base}.created and ${base}.created.v2, not ${base}`,
        show(types),
      )
    },
  },
  {
    id: 'routing.wildcard',
    level,
    title: 'delivers every event to a `*` subscription, once even when it also names the event',
    async run(context, scope) {
      requireRoutingProfile(context)
      const event = context.event()
      const receiver = context.receivers.create()
      await subscribeOrSkip(context, scope, receiver, [event, '*'], 'patterns')
      await notify(context, event, { case: 'routing.wildcard' })
      await receiver.waitForDeliveries(1, deliveryWait(context))
      // `*` takes the control's event and any other case's too: only this event is counted, once
      // a control notified after it arrived (and the settle time passed).
      const control = context.receivers.create()
      const controlEvent = context.event()
      await subscribe(context, scope, control, [controlEvent])
      await notify(context, controlEvent, { control: true })
      await expectNoMoreDeliveries(context, control, 1, control, 1, 'the control got more')
      const mine = typesOf(receiver).filter((type) => type === event)
      check(
        mine.length === 1,
        `a subscription to ${event} and * got ${event} ${mine.length} times`,
        'exactly one delivery of it',
        show(typesOf(receiver)),
      )
    },
  },
  {
    id: 'routing.invalid-pattern',
    level,
    title: 'answers 422 invalid_request to a `*` anywhere but as the whole last segment',
    async run(context) {
      requireRoutingProfile(context)
      const base = context.event()
      const receiver = context.receivers.create()
      const refused = await context.api.subscribe({
        target_url: receiver.url,
        events: [`${base}.*.created`],
      })
      expectProblem(context, refused, 422, 'invalid_request', `subscribing to ${base}.*.created`)
    },
  },
  {
    id: 'routing.filter',
    level,
    title: 'delivers only the messages whose data passes the filter, and returns the filter',
    async run(context, scope) {
      requireRoutingProfile(context)
      const event = context.event()
      const receiver = context.receivers.create()
      const filter = { and: [{ path: 'amount', gte: 100 }, { not: { path: 'test', eq: true } }] }
      const { id } = await subscribeOrSkip(context, scope, receiver, [event], 'filters', filter)
      const read = await context.api.get(id)
      check(
        jsonEqual((read.json as { filter?: unknown } | undefined)?.filter, filter),
        'GET does not return the filter as given',
        show(filter),
        describeResult(read),
      )
      for (const data of [{ amount: 50 }, { amount: 150, test: true }, { amount: 150, n: 3 }]) {
        await notify(context, event, data)
      }
      await expectDeliveries(context, scope, receiver, 1, 'the filter let the wrong messages by')
      const [only] = receiver.deliveries
      const data = only && (JSON.parse(only.body) as { data?: { n?: number } }).data
      check(
        data?.n === 3,
        'the filter let the wrong message by',
        '{ amount: 150, n: 3 }',
        show(data),
      )
    },
  },
  {
    id: 'routing.filter-patch',
    level,
    title: 'sets and removes a filter by PATCH (`filter: null`), and delivers accordingly',
    async run(context, scope) {
      requireRoutingProfile(context)
      const event = context.event()
      const receiver = context.receivers.create()
      const { id } = await subscribeOrSkip(context, scope, receiver, [event], 'filters', {
        path: 'currency',
        eq: 'EUR',
      })
      const removed = await context.api.update(id, { filter: null })
      check(
        removed.status === 200 && (removed.json as { filter?: unknown }).filter == null,
        'PATCH { filter: null } does not remove the filter',
        '200 without a filter',
        describeResult(removed),
      )
      await notify(context, event, { currency: 'GBP' })
      await expectDeliveries(context, scope, receiver, 1, 'a removed filter still holds')
    },
  },
  {
    id: 'routing.invalid-filter',
    level,
    title: 'answers 422 invalid_request naming the bad clause (`filter.and.1.gt`)',
    async run(context, scope) {
      requireRoutingProfile(context)
      const event = context.event()
      const receiver = context.receivers.create()
      // Whether the server has filters at all: it keeps a valid one.
      await subscribeOrSkip(context, scope, receiver, [event], 'filters', { path: 'a', eq: 1 })
      const refused = await context.api.subscribe({
        target_url: receiver.url,
        events: [event],
        filter: {
          and: [
            { path: 'a', eq: 1 },
            { path: 'b', gt: { not: 'a bound' } },
          ],
        },
      })
      expectProblem(context, refused, 422, 'invalid_request', 'a filter with a bad clause')
      const paths = ((refused.json as { errors?: Array<{ path?: string }> }).errors ?? []).map(
        (issue) => issue.path,
      )
      check(
        paths.includes('filter.and.1.gt'),
        'the problem does not name the bad clause',
        'errors with path filter.and.1.gt',
        show(paths),
      )
    },
  },
]
