import { type Handshake, HandshakeSchema, safeVerify, WebhookHeadersSchema } from '@rh/protocol'
import * as v from 'valibot'
import { check, fail, show, skip } from '../assert'
import type { HandshakeMode, ReceiverBehaviour } from '../receivers'
import {
  expectProblem,
  expectStatus,
  idOf,
  jsonEqual,
  type ServerCase,
  type ServerContext,
  subscribe,
} from './context'

const level = 'handshake'

/** Subscribes a receiver that answers the handshake as `mode` and expects 422 and nothing kept. */
async function expectRefused(
  context: ServerContext,
  scope: Parameters<ServerCase['run']>[1],
  mode: HandshakeMode,
) {
  const receiver = context.receivers.create({ handshake: mode })
  const event = context.event()
  const result = await context.api.subscribe({ target_url: receiver.url, events: [event] })
  const id = idOf(result)
  if (id !== undefined) scope.defer(() => context.api.unsubscribe(id))
  check(
    receiver.handshakes.length > 0,
    'no handshake was sent',
    'an rh.handshake request before the answer',
    `${receiver.handshakes.length} handshakes, answer ${result.status}`,
  )
  expectProblem(context, result, 422, 'handshake_failed', `a handshake answered ${mode}`)
  if (context.profile !== 'rh') return
  const listed = await context.api.list({ event })
  check(
    !listed.text.includes(receiver.url),
    'the refused subscription was stored',
    'not listed',
    show(listed.json),
  )
}

/** The handshake level: intent verification at subscribe time. */
export const handshakeCases: ServerCase[] = [
  {
    id: 'handshake.sent',
    level,
    title: 'sends a signed rh.handshake with a challenge before answering a subscribe',
    async run(context, scope) {
      const receiver = context.receivers.create()
      const events = [context.event()]
      const { secret } = await subscribe(context, scope, receiver, events)
      const [handshake] = receiver.handshakes
      if (!handshake) {
        fail('no handshake was sent', 'an rh.handshake request before the answer', 'none')
      }
      check(handshake.method === 'POST', 'the handshake is not a POST', 'POST', handshake.method)
      const body = v.safeParse(HandshakeSchema, JSON.parse(handshake.body))
      if (!body.success) {
        fail(
          'the handshake body is malformed',
          "{ type: 'rh.handshake', timestamp, data: { challenge, events } }",
          handshake.body,
        )
      }
      check(
        jsonEqual(body.output.data.events, events),
        'the handshake names other events',
        show(events),
        show(body.output.data.events),
      )
      check(
        v.is(WebhookHeadersSchema, handshake.headers),
        'the handshake lacks the Standard Webhooks headers',
        'webhook-id, webhook-timestamp, webhook-signature',
        show(handshake.headers),
      )
      if (secret === undefined) return
      const verified = await safeVerify(secret, handshake.body, handshake.headers, {
        tolerance: Math.ceil(context.clockSkewMs / 1000),
        now: () => handshake.receivedAt,
      })
      check(
        verified.success,
        'the handshake signature does not verify',
        'signed with the subscription secret',
        verified.success ? '' : verified.error.code,
      )
    },
  },
  {
    id: 'handshake.wrong-challenge',
    level,
    title: 'refuses with 422 a target that answers another challenge, and stores nothing',
    run: (context, scope) => expectRefused(context, scope, 'wrong-challenge'),
  },
  {
    id: 'handshake.no-challenge',
    level,
    title: 'refuses with 422 a target that answers 200 without the challenge',
    run: (context, scope) => expectRefused(context, scope, 'no-challenge'),
  },
  {
    id: 'handshake.error-status',
    level,
    title: 'refuses with 422 a target that answers the handshake with 500',
    run: (context, scope) => expectRefused(context, scope, 'error'),
  },
  {
    id: 'handshake.on-update',
    level,
    title:
      'runs the handshake again when a patch changes the events, and refuses it with 422 if it fails',
    async run(context, scope) {
      if (context.profile !== 'rh') skip(`the ${context.profile} profile has no update`)
      const behaviour: ReceiverBehaviour = { handshake: 'echo' }
      const receiver = context.receivers.create(behaviour)
      const { id } = await subscribe(context, scope, receiver, [context.event()])
      const events = [context.event()]
      const agreed = await context.api.update(id, { events })
      expectStatus(agreed, [200], 'a patch of the events the target agrees to')
      const second = receiver.handshakes[1]
      const named = second && (JSON.parse(second.body) as Handshake).data?.events
      check(
        jsonEqual(named, events),
        'no new handshake for the new events',
        `a second handshake naming ${show(events)}`,
        `${receiver.handshakes.length} handshakes, the last naming ${show(named)}`,
      )
      behaviour.handshake = 'wrong-challenge'
      const refused = await context.api.update(id, { events: [context.event()] })
      expectProblem(context, refused, 422, 'handshake_failed', 'a patch the target refuses')
      const kept = await context.api.get(id)
      check(
        jsonEqual((kept.json as { events?: unknown } | undefined)?.events, events),
        'the refused patch was applied',
        `events ${show(events)}`,
        show(kept.json),
      )
    },
  },
]
