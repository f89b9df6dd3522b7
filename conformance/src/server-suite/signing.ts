import {
  generateSecret,
  MessageIdSchema,
  safeVerify,
  WebhookHeadersSchema,
  WebhookIdSchema,
} from '@rh/protocol'
import * as v from 'valibot'
import { check, fail, show, skip } from '../assert'
import type { RecordedRequest } from '../receivers'
import { deliveryWait, notify, type ServerCase, type ServerContext, subscribe } from './context'

const level = 'signing'

/** Fails unless the delivery's headers are the Standard Webhooks ones, well formed. */
function expectHeaders(context: ServerContext, delivery: RecordedRequest) {
  const headers = v.safeParse(WebhookHeadersSchema, delivery.headers)
  if (!headers.success) {
    fail(
      `malformed Standard Webhooks headers: ${headers.issues[0]?.message ?? ''}`,
      'webhook-id, webhook-timestamp (unix seconds), webhook-signature (v1,<base64>)',
      show(pick(delivery.headers)),
    )
  }
  const idSchema = context.profile === 'rh' ? MessageIdSchema : WebhookIdSchema
  const id = delivery.headers['webhook-id'] ?? ''
  check(v.is(idSchema, id), 'the webhook-id is malformed', 'msg_ + 26 characters', id)
}

/** Fails unless the delivery verifies with `secret`, at the time it arrived. */
async function expectSigned(
  context: ServerContext,
  secret: string | undefined,
  delivery: RecordedRequest,
) {
  if (!delivery.headers['webhook-signature']) {
    fail(
      'the delivery is not signed: it has no webhook-signature header',
      'a v1 signature of "<webhook-id>.<webhook-timestamp>.<body>" in webhook-signature',
      show(pick(delivery.headers)),
    )
  }
  if (secret === undefined) {
    fail(
      'no secret to verify with',
      'a secret in the create answer, or --secret',
      'neither: the server returned no secret and none was given',
    )
  }
  const verified = await safeVerify(secret, delivery.body, delivery.headers, {
    tolerance: Math.ceil(context.clockSkewMs / 1000),
    now: () => delivery.receivedAt,
  })
  if (!verified.success) {
    fail(
      `the signature does not verify: ${verified.error.code}`,
      'a v1 signature of "<webhook-id>.<webhook-timestamp>.<body>" with the secret',
      show(pick(delivery.headers)),
    )
  }
}

const pick = (headers: Record<string, string>) => ({
  'webhook-id': headers['webhook-id'],
  'webhook-timestamp': headers['webhook-timestamp'],
  'webhook-signature': headers['webhook-signature'],
})

/** Subscribes a receiver that answers 500 once, notifies, and returns both attempts. */
async function failOnce(context: ServerContext, scope: Parameters<ServerCase['run']>[1]) {
  const receiver = context.receivers.create({ reply: (_, i) => ({ status: i === 0 ? 500 : 204 }) })
  const event = context.event()
  const { secret } = await subscribe(context, scope, receiver, [event])
  await notify(context, event, { case: 'signing.retry' })
  const attempts = await receiver.waitForDeliveries(2, deliveryWait(context, 1))
  return { secret, attempts }
}

/** The signing level: Standard Webhooks headers and signatures, stable ids, fresh timestamps. */
export const signingCases: ServerCase[] = [
  {
    id: 'signing.headers',
    level,
    title: 'sends webhook-id, webhook-timestamp and webhook-signature with a delivery',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const event = context.event()
      await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'signing.headers' })
      const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (delivery) expectHeaders(context, delivery)
    },
  },
  {
    id: 'signing.verifies',
    level,
    title: 'signs the exact body bytes with the subscription secret',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const event = context.event()
      const { secret } = await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'signing.verifies', text: 'ünïcødé ✓' })
      const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (delivery) await expectSigned(context, secret, delivery)
    },
  },
  {
    id: 'signing.chosen-secret',
    level,
    title: 'signs with the secret the subscriber chose',
    async run(context, scope) {
      if (context.profile !== 'rh') skip(`the ${context.profile} profile takes no secret`)
      const receiver = context.receivers.create()
      const event = context.event()
      const secret = generateSecret()
      await subscribe(context, scope, receiver, [event], { body: { secret } })
      await notify(context, event, { case: 'signing.chosen-secret' })
      const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (delivery) await expectSigned(context, secret, delivery)
    },
  },
  {
    id: 'signing.stable-id',
    level,
    title: 'keeps the webhook-id and the body bytes of a notification across retries',
    async run(context, scope) {
      const { secret, attempts } = await failOnce(context, scope)
      const [first, second] = attempts
      if (!first || !second) return
      check(
        first.headers['webhook-id'] === second.headers['webhook-id'],
        'the retry has another webhook-id',
        first.headers['webhook-id'] ?? '',
        second.headers['webhook-id'] ?? '',
      )
      check(first.body === second.body, 'the retry has another body', first.body, second.body)
      await expectSigned(context, secret, second)
    },
  },
  {
    id: 'signing.fresh-timestamp',
    level,
    title: 'stamps every attempt, retries included, with the time it is sent',
    async run(context, scope) {
      const { attempts } = await failOnce(context, scope)
      for (const [n, attempt] of attempts.entries()) {
        if (!attempt.headers['webhook-timestamp']) {
          fail(
            `attempt ${n + 1} has no webhook-timestamp header`,
            'webhook-timestamp: unix seconds of the attempt',
            show(pick(attempt.headers)),
          )
        }
        const stamp = Number(attempt.headers['webhook-timestamp']) * 1000
        check(
          Math.abs(stamp - attempt.receivedAt) <= context.clockSkewMs,
          `attempt ${n + 1} has a stale webhook-timestamp`,
          `within ${context.clockSkewMs} ms of ${Math.floor(attempt.receivedAt / 1000)}`,
          attempt.headers['webhook-timestamp'] ?? '(none)',
        )
      }
      const [first, second] = attempts.map((a) => Number(a.headers['webhook-timestamp']))
      const delay = context.retrySchedule[0] ?? 0
      // A retry whole seconds later must carry a later timestamp than the first attempt.
      const later = delay >= 2000 ? second! > first! : second! >= first!
      check(later, 'the retry reuses an old timestamp', `> ${first}`, String(second))
    },
  },
  {
    id: 'signing.distinct-ids',
    level,
    title: 'gives every notification its own webhook-id',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const event = context.event()
      await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'signing.distinct-ids', n: 1 })
      await notify(context, event, { case: 'signing.distinct-ids', n: 2 })
      const deliveries = await receiver.waitForDeliveries(2, deliveryWait(context))
      const ids = deliveries.map((d) => d.headers['webhook-id'])
      check(
        ids.every((id) => id),
        'the deliveries have no webhook-id header',
        'a webhook-id on every delivery, one per notification',
        show(ids),
      )
      check(ids[0] !== ids[1], 'two notifications share a webhook-id', 'two ids', show(ids))
    },
  },
]
