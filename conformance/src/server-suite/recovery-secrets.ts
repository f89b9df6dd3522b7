import { safeVerify } from '@rh/protocol'
import { check, fail, notChecked, show } from '../assert'
import { describeResult } from '../http'
import type { RecordedRequest } from '../receivers'
import { deliveryWait, notify, type ServerCase, type ServerContext, subscribe } from './context'
import { requireRecovery, subscriptionPath } from './recovery-api'

const level = 'recovery'

/** Whether `delivery` verifies with `secret` at the time it arrived. */
async function verifies(context: ServerContext, secret: string, delivery: RecordedRequest) {
  const verified = await safeVerify(secret, delivery.body, delivery.headers, {
    tolerance: Math.ceil(context.clockSkewMs / 1000),
    now: () => delivery.receivedAt,
  })
  return verified.success
}

/** Fails unless the subscription returned a secret to verify with. */
function secretOf(secret: string | undefined, what: string): string {
  if (secret === undefined) {
    fail(`${what}: no secret to verify with`, 'a secret in the create answer', 'none')
  }
  return secret
}

/** The recovery cases about secrets: rotation with a grace period, and signed test events. */
export const secretCases: ServerCase[] = [
  {
    id: 'recovery.rotate-secret',
    level,
    title: 'rotates a secret, signing with the new and the old one during the grace period',
    async run(context, scope) {
      await requireRecovery(context)
      const receiver = context.receivers.create()
      const event = context.event()
      const subscribed = await subscribe(context, scope, receiver, [event])
      const old = secretOf(subscribed.secret, 'the subscription')
      const rotated = await context.api.send(
        'POST',
        subscriptionPath(subscribed.id, '/rotate-secret'),
        { body: {} },
      )
      if (rotated.status === 409) {
        notChecked(
          `the server signs with its own key, not per subscription: ${describeResult(rotated)}`,
        )
      }
      const answer = (rotated.json ?? {}) as {
        secret?: unknown
        previous_secret_expires_at?: unknown
      }
      const expires = Date.parse(String(answer.previous_secret_expires_at))
      check(
        rotated.status === 200 &&
          typeof answer.secret === 'string' &&
          answer.secret !== old &&
          expires > Date.now() - context.clockSkewMs,
        'the rotation did not return a new secret and when the old one expires',
        '200 { secret: <a new secret>, previous_secret_expires_at: <a later ISO-8601 time> }',
        describeResult(rotated),
      )
      const secret = answer.secret as string
      await notify(context, event, { case: 'recovery.rotate-secret' })
      const [delivery] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (!delivery) return
      const signatures = (delivery.headers['webhook-signature'] ?? '').split(/\s+/)
      check(
        signatures.filter((s) => /^v1a?,/.test(s)).length >= 2,
        'the delivery after a rotation carries one signature',
        'two signatures in webhook-signature, space-separated: the new secret and the old',
        show(delivery.headers['webhook-signature']),
      )
      check(
        await verifies(context, secret, delivery),
        'the delivery after a rotation does not verify with the new secret',
        'a signature made with the secret the rotation returned',
        show(delivery.headers['webhook-signature']),
      )
      check(
        await verifies(context, old, delivery),
        'the delivery after a rotation does not verify with the old secret',
        'a signature made with the previous secret, during its grace period',
        show(delivery.headers['webhook-signature']),
      )
    },
  },
  {
    id: 'recovery.test-event',
    level,
    title: 'sends a signed rh.ping on request and answers with the attempt',
    async run(context, scope) {
      await requireRecovery(context)
      const receiver = context.receivers.create({
        reply: (_, index) => ({ status: index === 0 ? 204 : 500 }),
      })
      const subscribed = await subscribe(context, scope, receiver, [context.event()])
      const secret = secretOf(subscribed.secret, 'the subscription')
      const path = subscriptionPath(subscribed.id, '/test')
      const first = await context.api.send('POST', path, { body: {} })
      const attempt = (first.json ?? {}) as Record<string, unknown>
      check(
        first.status === 200 &&
          attempt.outcome === 'delivered' &&
          attempt.response_status === 204 &&
          typeof attempt.duration_ms === 'number',
        'the test event answer does not report the attempt',
        '200 { outcome: delivered, response_status: 204, duration_ms, error: null, ... }',
        describeResult(first),
      )
      const [ping] = await receiver.waitForDeliveries(1, deliveryWait(context))
      if (!ping) return
      const type = (JSON.parse(ping.body) as { type?: unknown }).type
      check(type === 'rh.ping', 'the test event is not an rh.ping', 'type: rh.ping', ping.body)
      check(
        await verifies(context, secret, ping),
        'the test event is not signed with the subscription secret',
        'a v1 signature of "<webhook-id>.<webhook-timestamp>.<body>" with the secret',
        show(ping.headers['webhook-signature']),
      )
      // The receiver now answers 500: the answer says the attempt failed, with its status.
      const second = await context.api.send('POST', path, { body: {} })
      const failed = (second.json ?? {}) as Record<string, unknown>
      check(
        second.status === 200 && failed.outcome === 'failed' && failed.response_status === 500,
        'the test event answer does not report a failed attempt',
        '200 { outcome: failed, response_status: 500, ... }',
        describeResult(second),
      )
    },
  },
]
