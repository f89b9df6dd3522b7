import { fail } from '../assert'
import { ConformanceError } from '../errors'
import type { Receiver } from '../receivers'
import {
  deliveryWait,
  notify,
  pause,
  type ServerCase,
  type ServerContext,
  subscribe,
} from './context'

const level = 'core'

/**
 * Notifies `event` and fails unless the trigger is answered within the timeout: a server must
 * accept a notification whatever its targets do.
 */
async function notifyDespite(context: ServerContext, event: string, what: string) {
  const sent = notify(context, event, { case: what })
  // A trigger still pending when the case gives up must not reject unheard.
  sent.catch(() => {})
  const outcome = await Promise.race([
    sent.then(
      () => 'accepted' as const,
      (error: unknown) => error,
    ),
    pause(context.timeoutMs).then(() => 'no answer' as const),
  ])
  if (outcome === 'accepted') return
  if (outcome === 'no answer') {
    fail(
      `the server did not accept the notification while its target ${what}`,
      `the trigger answered within ${context.timeoutMs} ms, the delivery left to run on its own`,
      `no answer after ${context.timeoutMs} ms`,
    )
  }
  const seen =
    outcome instanceof ConformanceError ? (outcome.seen ?? outcome.message) : String(outcome)
  fail(
    `the server failed the notification because its target ${what}`,
    'the trigger accepted (2xx), the delivery failed and retried later',
    seen,
  )
}

/** Fails unless the server still subscribes and delivers to a healthy receiver. */
async function expectStillServing(
  context: ServerContext,
  scope: Parameters<ServerCase['run']>[1],
  what: string,
) {
  const control: Receiver = context.receivers.create()
  const event = context.event()
  try {
    await subscribe(context, scope, control, [event])
    await notify(context, event, { control: true })
    await control.waitForDeliveries(1, deliveryWait(context))
  } catch (error) {
    if (!(error instanceof ConformanceError)) throw error
    fail(
      `the server stopped serving after a target ${what}`,
      'subscribe and delivery to another target still work',
      `${error.message}${error.seen ? `: ${error.seen}` : ''}`,
    )
  }
}

/** Cases with a target that fails at the network level: the server must keep serving. */
export const failingTargetCases: ServerCase[] = [
  {
    id: 'core.unreachable-target',
    level,
    title:
      'accepts a notification whose target drops the connection (a network error), and keeps serving',
    async run(context, scope) {
      const dropping = context.receivers.create({ reply: () => ({ status: 0, drop: true }) })
      const event = context.event()
      await subscribe(context, scope, dropping, [event])
      await notifyDespite(context, event, 'dropped the connection')
      await dropping.waitForDeliveries(1, deliveryWait(context))
      await expectStillServing(context, scope, 'dropped the connection')
    },
  },
  {
    id: 'core.hanging-target',
    level,
    title: 'accepts a notification whose target never answers, and keeps delivering to others',
    async run(context, scope) {
      const hanging = context.receivers.create({ reply: () => ({ status: 0, hang: true }) })
      const event = context.event()
      await subscribe(context, scope, hanging, [event])
      await notifyDespite(context, event, 'never answers')
      await hanging.waitForDeliveries(1, deliveryWait(context))
      await expectStillServing(context, scope, 'never answered')
    },
  },
]
