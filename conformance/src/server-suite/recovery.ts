import { check, show, skip } from '../assert'
import { describeResult } from '../http'
import type { Receiver, RecordedRequest } from '../receivers'
import {
  deliveryWait,
  eventually,
  expectNothingMore,
  expectProblem,
  expectStatus,
  jsonEqual,
  notify,
  type ServerCase,
  type ServerContext,
  subscribe,
} from './context'
import {
  expectDeliveryStatus,
  expectQueued,
  idsOf,
  isoBefore,
  messagePath,
  pageData,
  requireRecovery,
  subscriptionPath,
} from './recovery-api'
import { secretCases } from './recovery-secrets'

const level = 'recovery'

/** Subscribes a fresh receiver to a fresh event, notifies once, returns the first delivery. */
async function deliverOne(
  context: ServerContext,
  scope: Parameters<ServerCase['run']>[1],
  what: string,
  receiver: Receiver = context.receivers.create(),
) {
  const event = context.event()
  const subscribed = await subscribe(context, scope, receiver, [event])
  await notify(context, event, { case: what })
  const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
  const id = delivery?.headers['webhook-id']
  check(
    delivery !== undefined && id !== undefined && id !== '',
    'the delivery has no webhook-id',
    'a webhook-id header: the message id',
    show(delivery?.headers),
  )
  return { event, receiver, subscribed, delivery, id }
}

/** Fails unless `again` carries the webhook-id and the exact body bytes of `first`. */
function expectSameMessage(first: RecordedRequest, again: RecordedRequest, what: string) {
  check(
    again.headers['webhook-id'] === first.headers['webhook-id'],
    `${what} has another webhook-id`,
    first.headers['webhook-id'] ?? '',
    again.headers['webhook-id'] ?? '(none)',
  )
  check(again.body === first.body, `${what} has other body bytes`, first.body, again.body)
}

/** The recovery level: the message log, redeliver, replay, secret rotation and test events. */
export const recoveryCases: ServerCase[] = [
  {
    id: 'recovery.message-log',
    level,
    title: "keeps a notified message, listed and readable with each subscription's status",
    async run(context, scope) {
      await requireRecovery(context)
      const failing = context.receivers.create({ reply: () => ({ status: 500 }) })
      const { event, subscribed, delivery, id } = await deliverOne(
        context,
        scope,
        'recovery.message-log',
      )
      // A failing receiver subscribes after the first message: only the second goes to it,
      // and fails its every retry.
      const failed = await subscribe(context, scope, failing, [event])
      await notify(context, event, { case: 'recovery.message-log', n: 2 })
      const [second] = await failing.waitForDeliveries(1, deliveryWait(context))
      const secondId = second?.headers['webhook-id'] ?? ''

      const query = `/messages?event=${encodeURIComponent(event)}`
      let list = await context.api.send('GET', query)
      await eventually(async () => {
        list = await context.api.send('GET', query)
        return pageData(list).length >= 2
      }, context.timeoutMs)
      expectStatus(list, [200], `GET ${query}`)
      const listed = pageData(list)
      check(
        listed.map((m) => m.id).join(',') === `${secondId},${id}`,
        'the message log does not list both messages of the event, newest first',
        `data: [${secondId}, ${id}]`,
        describeResult(list),
      )
      const oldest = listed[1]
      check(
        oldest?.event === event && jsonEqual(oldest.payload, JSON.parse(delivery.body)),
        'a listed message is not the notification that was delivered',
        `{ id: ${id}, event: ${event}, payload: ${delivery.body} }`,
        show(oldest),
      )
      check(
        typeof oldest.created_at === 'string' && !Number.isNaN(Date.parse(oldest.created_at)),
        'created_at is not an ISO-8601 time',
        'an ISO-8601 string',
        show(oldest.created_at),
      )
      await expectDeliveryStatus(context, id, subscribed.id, 'delivered', context.timeoutMs)
      const retries = context.retrySchedule.length
      await expectDeliveryStatus(
        context,
        secondId,
        failed.id,
        'failed',
        deliveryWait(context, retries),
      )
      const dead = await context.api.send(
        'GET',
        subscriptionPath(failed.id, '/messages?status=failed'),
      )
      check(
        dead.status === 200 &&
          pageData(dead)
            .map((m) => m.id)
            .join(',') === secondId,
        "the subscription's failed messages are not listed",
        `GET /subscriptions/${failed.id}/messages?status=failed: 200 with data: [${secondId}]`,
        describeResult(dead),
      )
    },
  },
  {
    id: 'recovery.owner-isolation',
    level,
    title: "answers 404 to another owner's message and subscription, and sends nothing for it",
    async run(context, scope) {
      await requireRecovery(context)
      const other = context.api2
      if (!other) skip('needs a second credential (--auth2)')
      const { event, receiver, subscribed, id } = await deliverOne(
        context,
        scope,
        'recovery.owner-isolation',
      )
      const read = await other.send('GET', messagePath(id))
      expectProblem(context, read, 404, 'not_found', `GET /messages/${id} as another owner`)
      const resend = await other.send('POST', messagePath(id, '/redeliver'), { body: {} })
      expectProblem(
        context,
        resend,
        404,
        'not_found',
        `POST /messages/${id}/redeliver as another owner`,
      )
      const replay = await other.send('POST', subscriptionPath(subscribed.id, '/replay'), {
        body: { since: isoBefore(context), status: 'all' },
      })
      expectProblem(
        context,
        replay,
        404,
        'not_found',
        `POST /subscriptions/${subscribed.id}/replay as another owner`,
      )
      const list = await other.send('GET', `/messages?event=${encodeURIComponent(event)}`)
      check(
        list.status === 200 && pageData(list).length === 0,
        "another owner's message list shows the message",
        '200 with data: []',
        describeResult(list),
      )
      const unknown = await context.api.send('GET', messagePath('msg_2ZZZZZZZZZZZZZZZZZZZZZZZZZ'))
      expectProblem(context, unknown, 404, 'not_found', 'GET /messages/{id} of no message')
      await expectNothingMore(
        context,
        scope,
        receiver,
        1,
        'another owner made the server send the message again',
      )
    },
  },
  {
    id: 'recovery.redeliver',
    level,
    title: 'redelivers a message with the same webhook-id and the same body bytes',
    async run(context, scope) {
      await requireRecovery(context)
      const { receiver, subscribed, delivery, id } = await deliverOne(
        context,
        scope,
        'recovery.redeliver',
      )
      // The receiver has answered, but the server may not have recorded it yet: a delivery
      // still pending is not sent again (it is on its way).
      await expectDeliveryStatus(context, id, subscribed.id, 'delivered', context.timeoutMs)
      const all = await context.api.send('POST', messagePath(id, '/redeliver'), { body: {} })
      // At least this case's subscription: a subscription to every event (`*`, made by another
      // case running at the same time) got the message too and is redelivered with it.
      expectQueued(all, 'redelivered', 1, `POST /messages/${id}/redeliver`, { atLeast: true })
      const one = await context.api.send('POST', messagePath(id, '/redeliver'), {
        body: { subscription_id: subscribed.id },
      })
      // The first redelivery may still be pending: then it is the one that goes (0 more queued).
      check(
        one.status === 202,
        'a redeliver to one subscription was not accepted',
        `202 { redelivered: 0 or 1 }`,
        describeResult(one),
      )
      const count = 2 + Number((one.json as { redelivered?: unknown }).redelivered === 1)
      const deliveries = await receiver.waitForDeliveries(count, deliveryWait(context))
      for (const again of deliveries.slice(1)) expectSameMessage(delivery, again, 'the redelivery')
      await expectNothingMore(
        context,
        scope,
        receiver,
        count,
        'the message was sent more often than redelivered',
      )
    },
  },
  {
    id: 'recovery.replay-failed',
    level,
    title: 'replays the messages that failed every retry, once the receiver is back',
    async run(context, scope) {
      await requireRecovery(context)
      let up = false
      const receiver = context.receivers.create({ reply: () => ({ status: up ? 204 : 500 }) })
      const event = context.event()
      const since = isoBefore(context)
      const { id } = await subscribe(context, scope, receiver, [event])
      // No more messages than it takes to disable the subscription: a server may send nothing
      // to a disabled one, and the last of them may make it disabled.
      const count = Math.max(1, Math.min(3, context.disableAfter ?? 3))
      for (let n = 1; n <= count; n++) {
        await notify(context, event, { case: 'recovery.replay-failed', n })
      }

      // Every message fails its last retry, or is cancelled when the server disables the
      // subscription meanwhile: both are what a replay of `failed` sends again.
      const lost = new Set<string>()
      let last = ''
      const settled = await eventually(
        async () => {
          lost.clear()
          for (const status of ['failed', 'cancelled']) {
            const page = await context.api.send(
              'GET',
              subscriptionPath(id, `/messages?status=${status}`),
            )
            last = describeResult(page)
            for (const message of pageData(page)) lost.add(message.id)
          }
          return lost.size === count
        },
        deliveryWait(context, context.retrySchedule.length),
      )
      check(settled, 'the messages are not all failed', `${count} failed or cancelled`, last)

      // The operator's recovery: re-enable the subscription if it was disabled, then replay.
      const current = await context.api.get(id)
      if ((current.json as { status?: unknown } | undefined)?.status !== 'active') {
        const enabled = await context.api.update(id, { status: 'active' })
        expectStatus(enabled, [200], `re-enabling ${id}`)
      }
      up = true
      const before = receiver.deliveries.length
      const replay = await context.api.send('POST', subscriptionPath(id, '/replay'), {
        body: { since, status: 'failed' },
      })
      expectQueued(replay, 'replayed', count, `POST /subscriptions/${id}/replay`)
      await receiver.waitForDeliveries(before + count, deliveryWait(context))
      await expectNothingMore(
        context,
        scope,
        receiver,
        before + count,
        `the replay sent more than the ${count} messages`,
      )
      const replayed = receiver.deliveries.slice(before)
      const ids = new Set(replayed.map((d) => d.headers['webhook-id'] ?? ''))
      check(
        ids.size === count && [...lost].every((messageId) => ids.has(messageId)),
        'the replay did not send each failed message once',
        show([...lost]),
        idsOf(replayed),
      )
      for (const again of replayed) {
        const first = receiver.deliveries.find(
          (d) => d.headers['webhook-id'] === again.headers['webhook-id'],
        )
        if (first) expectSameMessage(first, again, 'the replayed message')
      }
      for (const messageId of lost) {
        await expectDeliveryStatus(context, messageId, id, 'delivered', context.timeoutMs)
      }
    },
  },
  {
    id: 'recovery.replay-inactive',
    level,
    title: 'refuses to replay to a paused subscription with 409',
    async run(context, scope) {
      await requireRecovery(context)
      const receiver = context.receivers.create()
      const { id } = await subscribe(context, scope, receiver, [context.event()])
      const paused = await context.api.update(id, { status: 'paused' })
      expectStatus(paused, [200], `pausing ${id}`)
      const replay = await context.api.send('POST', subscriptionPath(id, '/replay'), {
        body: { since: isoBefore(context) },
      })
      expectProblem(
        context,
        replay,
        409,
        'subscription_inactive',
        'a replay to a paused subscription',
      )
    },
  },
  ...secretCases,
]
