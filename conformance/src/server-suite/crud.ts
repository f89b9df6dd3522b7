import {
  AttemptPageSchema,
  generateSecret,
  SubscriptionIdSchema,
  SubscriptionPageSchema,
  SubscriptionSchema,
} from '@rh/protocol'
import * as v from 'valibot'
import { check, fail, show, skip } from '../assert'
import { describeResult, type HttpResult } from '../http'
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

const level = 'crud'

/** An id in the right shape that no server has issued. */
export const UNKNOWN_ID = 'sub_00000000000000000000000000'

/** Skips the case unless the rh routes are there, naming what it needs. */
function rhOnly(context: ServerContext, needs: string) {
  if (context.profile !== 'rh') skip(`needs ${needs}, which the ${context.profile} profile has not`)
}

/** The create route of the profile, and a body for it from rh's fields. */
function createRoute(
  context: ServerContext,
  body: { target_url: unknown; events: unknown[] } & Record<string, unknown>,
) {
  if (context.profile === 'rh') return { path: '/subscriptions', body }
  const { events, ...rest } = body
  return { path: '/subscribe', body: { ...rest, event: events[0] } }
}

function parseSubscription(result: HttpResult, what: string) {
  const parsed = v.safeParse(SubscriptionSchema, result.json)
  if (!parsed.success) fail(`${what}: not a subscription resource`, 'a Subscription', result.text)
  return parsed.output
}

/** Every page of `GET {base}/subscriptions` for `query`, following `next_cursor`. */
async function listAll(context: ServerContext, query: Record<string, string>) {
  const pages: { ids: string[]; next: string | null }[] = []
  let cursor: string | null = null
  do {
    const result = await context.api.list(cursor ? { ...query, cursor } : query)
    expectStatus(result, [200], `list ${show(query)}`)
    const page = v.safeParse(SubscriptionPageSchema, result.json)
    if (!page.success) fail('the list is not a page', '{ data, next_cursor }', result.text)
    pages.push({ ids: page.output.data.map((s) => s.id), next: page.output.next_cursor })
    cursor = page.output.next_cursor
  } while (cursor && pages.length < 100)
  return pages
}

/** The crud level: create, list (pages, event filter), get, update, delete, and their errors. */
export const crudCases: ServerCase[] = [
  {
    id: 'crud.create',
    level,
    title: 'answers 201 with the subscription resource and the secret it generated, if any',
    async run(context, scope) {
      rhOnly(context, "rh's subscription resource and per-subscription secret")
      const receiver = context.receivers.create()
      const events = [context.event(), context.event()]
      const metadata = { suite: 'rh-conformance' }
      const { result } = await subscribe(context, scope, receiver, events, { body: { metadata } })
      expectStatus(result, [201], 'create')
      const created = parseSubscription(result, 'create')
      check(
        v.is(SubscriptionIdSchema, created.id),
        'the id is not sub_ and a ULID',
        'sub_ + 26 characters',
        created.id,
      )
      check(
        jsonEqual(created.events, events) && jsonEqual(created.metadata, metadata),
        'the resource does not say what was asked',
        show({ events, metadata }),
        show({ events: created.events, metadata: created.metadata }),
      )
      // With a server-wide key (--secret) the server generates none per subscription.
      if (context.secret !== undefined) return
      check(
        typeof created.secret === 'string' && /^wh(sec|pk)_/.test(created.secret),
        'no generated secret in the create answer',
        'secret: whsec_… (or a whpk_ public key)',
        show(created.secret),
      )
    },
  },
  {
    id: 'crud.secret-once',
    level,
    title: 'never shows a chosen secret, and a generated one only in the create answer',
    async run(context, scope) {
      rhOnly(context, 'a chosen secret and GET {base}/subscriptions/{id}')
      const receiver = context.receivers.create()
      const chosen = await subscribe(context, scope, receiver, [context.event()], {
        body: { secret: generateSecret() },
      })
      check(
        !('secret' in (chosen.result.json as object)),
        'the create answer shows the secret the subscriber chose',
        'no secret field',
        chosen.result.text,
      )
      const generated = await subscribe(context, scope, receiver, [context.event()])
      const got = await context.api.get(generated.id)
      expectStatus(got, [200], 'get')
      check(
        !('secret' in (got.json as object)),
        'GET shows the secret',
        'no secret field',
        got.text,
      )
    },
  },
  {
    id: 'crud.invalid-body',
    level,
    title: 'refuses an invalid subscription with 422 problem+json',
    async run(context) {
      const { path, body } = createRoute(context, { target_url: 'not a url', events: [''] })
      const result = await context.api.send('POST', path, { body })
      expectProblem(context, result, 422, 'invalid_request', 'an invalid body')
    },
  },
  {
    id: 'crud.unknown-field',
    level,
    title: 'refuses a subscription with an unknown field with 422 problem+json',
    async run(context) {
      const receiver = context.receivers.create()
      const { path, body } = createRoute(context, {
        target_url: receiver.url,
        events: [context.event()],
        colour: 'blue',
      })
      const result = await context.api.send('POST', path, { body })
      expectProblem(context, result, 422, 'invalid_request', 'an unknown field')
    },
  },
  {
    id: 'crud.malformed-json',
    level,
    title: 'refuses malformed JSON with 400 problem+json',
    async run(context) {
      const { path } = createRoute(context, { target_url: '', events: [] })
      const result = await context.api.send('POST', path, { body: '{"target_url":' })
      expectProblem(context, result, 400, 'malformed_json', 'malformed JSON')
    },
  },
  {
    id: 'crud.content-type',
    level,
    title: 'refuses a body that is not application/json with 415 problem+json',
    async run(context) {
      if (context.profile !== 'rh') {
        skip(
          `the ${context.profile} profile reads a subscribe body as JSON whatever its content type, as go-resthooks does`,
        )
      }
      const receiver = context.receivers.create()
      const result = await context.api.send('POST', '/subscriptions', {
        body: JSON.stringify({ target_url: receiver.url, events: [context.event()] }),
        headers: { 'content-type': 'text/plain' },
      })
      expectProblem(context, result, 415, 'unsupported_media_type', 'a text/plain body')
    },
  },
  {
    id: 'crud.method-not-allowed',
    level,
    title: 'answers 405 problem+json with an Allow header to a method a route does not serve',
    async run(context) {
      const { path } = createRoute(context, { target_url: '', events: [] })
      const result = await context.api.send('PUT', path, { body: {} })
      expectProblem(context, result, 405, 'method_not_allowed', `PUT ${path}`)
      const allow = result.headers.get('allow') ?? ''
      const methods = context.profile === 'rh' ? ['GET', 'POST'] : ['POST']
      check(
        methods.every((method) => new RegExp(`\\b${method}\\b`).test(allow)),
        'the 405 does not say which methods are allowed',
        `Allow: ${methods.join(', ')}`,
        `Allow: ${allow}`,
      )
    },
  },
  {
    id: 'crud.get',
    level,
    title: 'returns a subscription by id, as it was created',
    async run(context, scope) {
      rhOnly(context, 'GET {base}/subscriptions/{id}')
      const receiver = context.receivers.create()
      const { id, result } = await subscribe(context, scope, receiver, [context.event()])
      const { secret: _, ...created } = parseSubscription(result, 'create')
      const got = await context.api.get(id)
      expectStatus(got, [200], `GET ${id}`)
      const fetched = parseSubscription(got, 'get')
      check(
        jsonEqual(fetched, created),
        'GET differs from the create answer',
        show(created),
        show(fetched),
      )
    },
  },
  {
    id: 'crud.not-found',
    level,
    title: 'answers 404 problem+json to get, update and delete of an unknown id',
    async run(context) {
      rhOnly(context, 'GET and PATCH {base}/subscriptions/{id}')
      expectProblem(context, await context.api.get(UNKNOWN_ID), 404, 'not_found', 'GET unknown')
      const patch = await context.api.update(UNKNOWN_ID, { status: 'paused' })
      expectProblem(context, patch, 404, 'not_found', 'PATCH unknown')
      const del = await context.api.unsubscribe(UNKNOWN_ID)
      expectProblem(context, del, 404, 'not_found', 'DELETE unknown')
    },
  },
  {
    id: 'crud.list-pages',
    level,
    title: 'pages through the list with limit and next_cursor, each subscription once',
    async run(context, scope) {
      rhOnly(context, 'GET {base}/subscriptions')
      const receiver = context.receivers.create()
      const event = context.event()
      const ids: string[] = []
      for (let i = 0; i < 3; i++) ids.push((await subscribe(context, scope, receiver, [event])).id)
      const pages = await listAll(context, { event, limit: '2' })
      const seen = pages.flatMap((page) => page.ids)
      check(
        pages.every((page) => page.ids.length <= 2) && pages.length >= 2,
        'the pages do not respect limit=2',
        'pages of at most 2 over 3 subscriptions',
        show(pages),
      )
      check(
        new Set(seen).size === seen.length && ids.every((id) => seen.includes(id)),
        'the pages do not list every subscription exactly once',
        show(ids),
        show(seen),
      )
      check(pages.at(-1)?.next === null, 'the last page has a next_cursor', 'null', show(pages))
    },
  },
  {
    id: 'crud.list-event',
    level,
    title: 'lists only the subscriptions of the event asked for',
    async run(context, scope) {
      rhOnly(context, 'GET {base}/subscriptions')
      const receiver = context.receivers.create()
      const [event, other] = [context.event(), context.event()]
      const wanted = await subscribe(context, scope, receiver, [event])
      const unwanted = await subscribe(context, scope, receiver, [other])
      const seen = (await listAll(context, { event })).flatMap((page) => page.ids)
      check(
        seen.includes(wanted.id) && !seen.includes(unwanted.id),
        'the event filter is not applied',
        `${wanted.id} listed, ${unwanted.id} not`,
        show(seen),
      )
    },
  },
  {
    id: 'crud.list-invalid-query',
    level,
    title: 'refuses limit=0 and limit=101 with 400 problem+json',
    async run(context) {
      rhOnly(context, 'GET {base}/subscriptions')
      for (const limit of ['0', '101']) {
        const result = await context.api.list({ limit })
        expectProblem(context, result, 400, 'invalid_query', `limit=${limit}`)
      }
    },
  },
  {
    id: 'crud.update',
    level,
    title: 'updates events, metadata and status and answers 200 with the result',
    async run(context, scope) {
      rhOnly(context, 'PATCH {base}/subscriptions/{id}')
      const receiver = context.receivers.create()
      const { id, result } = await subscribe(context, scope, receiver, [context.event()])
      const created = parseSubscription(result, 'create')
      const patch = { events: [context.event()], metadata: { tier: 'gold' }, status: 'paused' }
      const updated = await context.api.update(id, patch)
      expectStatus(updated, [200], `PATCH ${id}`)
      const after = parseSubscription(updated, 'update')
      const seen = { events: after.events, metadata: after.metadata, status: after.status }
      check(jsonEqual(seen, patch), 'the update was not applied', show(patch), show(seen))
      check(
        Date.parse(after.updated_at) >= Date.parse(created.updated_at),
        'updated_at went back',
        `>= ${created.updated_at}`,
        after.updated_at,
      )
      const got = parseSubscription(await context.api.get(id), 'get')
      check(jsonEqual(got, after), 'GET does not show the update', show(after), show(got))
      const invalid = await context.api.update(id, { status: 'disabled' })
      expectProblem(context, invalid, 422, 'invalid_request', 'PATCH status disabled')
    },
  },
  {
    id: 'crud.paused',
    level,
    title: 'does not deliver to a paused subscription',
    async run(context, scope) {
      rhOnly(context, 'PATCH {base}/subscriptions/{id}')
      const paused = context.receivers.create()
      const event = context.event()
      const { id } = await subscribe(context, scope, paused, [event])
      expectStatus(await context.api.update(id, { status: 'paused' }), [200], 'pause')
      await notify(context, event, { case: 'crud.paused' })
      await expectNothingMore(context, scope, paused, 0, 'a paused subscription got a delivery')
    },
  },
  {
    id: 'crud.delete',
    level,
    title: 'deletes a subscription with 204, then answers 404 to get and delete',
    async run(context, scope) {
      rhOnly(context, 'GET {base}/subscriptions/{id}')
      const receiver = context.receivers.create()
      const { id } = await subscribe(context, scope, receiver, [context.event()])
      const deleted = await context.api.unsubscribe(id)
      check(deleted.status === 204, 'delete', '204', describeResult(deleted))
      expectProblem(context, await context.api.get(id), 404, 'not_found', 'GET after delete')
      expectProblem(context, await context.api.unsubscribe(id), 404, 'not_found', 'DELETE twice')
    },
  },
  {
    id: 'crud.attempts',
    level,
    title: 'logs every delivery attempt, newest first, under the webhook-id it was sent with',
    async run(context, scope) {
      rhOnly(context, 'the attempt log, GET {base}/subscriptions/{id}/attempts')
      const receiver = context.receivers.create({
        reply: (_, i) => ({ status: i === 0 ? 500 : 204 }),
      })
      const event = context.event()
      const { id } = await subscribe(context, scope, receiver, [event])
      await notify(context, event, { case: 'crud.attempts' })
      const [first] = await receiver.waitForDeliveries(2, deliveryWait(context, 1))
      let seen = ''
      let outcomes: string[] = []
      let messageIds: string[] = []
      // The attempt is recorded once its answer is read: it may trail the delivery a little.
      await eventually(async () => {
        const result = await context.api.send('GET', `/subscriptions/${id}/attempts`)
        seen = describeResult(result)
        const page = v.safeParse(AttemptPageSchema, result.json)
        if (!page.success) return false
        outcomes = page.output.data.map((attempt) => `${attempt.attempt}:${attempt.outcome}`)
        messageIds = page.output.data.map((attempt) => attempt.message_id)
        return outcomes.length >= 2
      }, context.timeoutMs)
      check(
        outcomes.join(',') === '2:delivered,1:failed',
        'the attempt log does not show the two attempts',
        'attempt 2 delivered, then attempt 1 failed (newest first)',
        seen,
      )
      const webhookId = first?.headers['webhook-id']
      check(
        messageIds.every((messageId) => messageId === webhookId),
        'the attempts are logged under another message id',
        String(webhookId),
        show(messageIds),
      )
    },
  },
]
