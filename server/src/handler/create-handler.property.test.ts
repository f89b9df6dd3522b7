import { ProblemSchema, problemCodes } from '@rh/protocol'
import fc from 'fast-check'
import * as v from 'valibot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createResthooks, type Resthooks } from '../create-resthooks'
import type { Transport } from '../delivery/transport'
import type { StoredSubscription } from '../store/subscription-store'
import { bearerOwner } from '../testing/api'

// Random requests at the handler. Nothing here may reach a network: DNS answers a private
// address (refused by the guard), and the transport refuses every request.
const noNetwork: Transport = async () => {
  throw new Error('the property tests make no requests')
}

const OWNERS = ['alice', 'bob']
const GLOBAL_TARGETS = ['http://93.184.216.34/hooks', 'https://[2606:4700::1111]/x']

let rh: Resthooks
const errors: unknown[] = []
const ids: string[] = []

async function snapshot(): Promise<string> {
  const rows: StoredSubscription[] = []
  for (const owner of OWNERS) {
    let cursor: string | undefined
    do {
      const page = await rh.store.list(owner, { cursor, limit: 100 })
      rows.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
  }
  return JSON.stringify([rows, await rh.queue.size()])
}

beforeAll(async () => {
  rh = createResthooks({
    authenticate: bearerOwner,
    handshake: false,
    events: ['post.created', 'post.deleted', 'a.b'],
    transport: noNetwork,
    resolve: async () => ['10.0.0.1'],
    maxBodyBytes: 2048,
    onError: (error) => errors.push(error),
  })
  for (const owner of OWNERS) {
    for (const target_url of GLOBAL_TARGETS) {
      const response = await rh.fetch(
        new Request('http://rh.test/hooks/subscriptions', {
          method: 'POST',
          headers: { authorization: `Bearer ${owner}`, 'content-type': 'application/json' },
          body: JSON.stringify({ target_url, events: ['post.created'] }),
        }),
      )
      expect(response.status).toBe(201)
      ids.push(((await response.json()) as { id: string }).id)
    }
  }
})

afterAll(() => rh.close({ graceMs: 0 }))

const segment = fc.oneof(
  fc.constantFrom('subscriptions', 'subscribe', 'unsubscribe', 'attempts', 'hooks', ''),
  // Chained, so the ids are read when generating, after beforeAll stored them.
  fc
    .constant('sub_00000000000000000000000000')
    .chain((unknown) => fc.constantFrom(unknown, ...ids)),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
  fc.constantFrom('%', '%zz', '%00', '..', '.', '%2F'),
)

const idArb = fc
  .constant('sub_00000000000000000000000000')
  .chain((unknown) => fc.constantFrom(unknown, ...ids))

/** Mostly the API's own routes (so requests get past routing), sometimes anything. */
const path = fc.oneof(
  {
    weight: 6,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/hooks', '', '/api/v1/hooks'),
        fc.constantFrom(
          'subscriptions',
          'subscriptions/{id}',
          'subscriptions/{id}/attempts',
          'subscribe',
          'unsubscribe/{id}',
        ),
        idArb,
      )
      .map(([prefix, route, id]) => `${prefix}/${route.replace('{id}', id)}`),
  },
  { weight: 1, arbitrary: fc.array(segment, { maxLength: 5 }).map((p) => `/${p.join('/')}`) },
)
const queryValue = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('0', '1', '50', '100', '101', '-1', '1e2', 'post.created', 'eyJhIjoxfQ'),
)
const query = fc
  .array(fc.tuple(fc.constantFrom('event', 'cursor', 'limit', 'x', '__proto__'), queryValue), {
    maxLength: 4,
  })
  .map((pairs) => (pairs.length ? `?${new URLSearchParams(pairs).toString()}` : ''))

const method = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom('GET', 'POST', 'PATCH', 'DELETE') },
  { weight: 1, arbitrary: fc.constantFrom('PUT', 'HEAD', 'OPTIONS') },
  {
    weight: 1,
    arbitrary: fc
      .stringMatching(/^[A-Z]{1,8}$/)
      .filter((m) => !['CONNECT', 'TRACE', 'TRACK'].includes(m)),
  },
)

const headerText = fc.stringMatching(/^[\x20-\x7e]{0,40}$/)
const headers = fc.record(
  {
    authorization: fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('Bearer alice', 'Bearer bob') },
      { weight: 1, arbitrary: fc.constantFrom('Bearer ', 'Basic x') },
      { weight: 1, arbitrary: headerText },
    ),
    'content-type': fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom('application/json') },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          'application/json; charset=utf-8',
          'APPLICATION/JSON',
          'text/plain',
          'application/problem+json',
        ),
      },
      { weight: 1, arbitrary: headerText },
    ),
    'x-extra': headerText,
  },
  { requiredKeys: ['authorization', 'content-type'] },
)

const eventName = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('post.created', 'post.deleted', 'a.b') },
  { weight: 2, arbitrary: fc.constantFrom('unknown.event', '', ' ', 'x'.repeat(200)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
)
const target = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...GLOBAL_TARGETS) },
  fc.constantFrom(
    'http://127.0.0.1/x',
    'http://localhost/x',
    'http://169.254.169.254/latest',
    'http://[::1]/x',
    'http://0x7f.1/x',
    'ftp://93.184.216.34/x',
    'http://user:pw@93.184.216.34/x',
    'https://consumer.example/hooks',
    'not a url',
  ),
  fc.webUrl(),
  fc.string({ maxLength: 30 }),
)
const subscriptionLike = fc.record(
  {
    target_url: target,
    events: fc.array(eventName, { minLength: 1, maxLength: 3 }),
    event: eventName,
    metadata: fc.oneof(
      fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), { maxKeys: 4 }),
      fc.jsonValue(),
    ),
    status: fc.constantFrom('active', 'paused', 'disabled', 'deleted', 1),
    secret: fc.constantFrom('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'whsec_', 'x'),
    id: fc.constant('sub_x').chain((bad) => fc.constantFrom(bad, ...ids)),
    extra: fc.jsonValue(),
  },
  { requiredKeys: ['target_url'] },
)
/** Bodies that are (nearly) valid, so requests reach the guard, the allow-list and the store. */
const plausible = fc.oneof(
  fc.record(
    {
      target_url: target,
      events: fc.array(eventName, { minLength: 1, maxLength: 3 }),
      metadata: fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }), {
        maxKeys: 3,
      }),
    },
    { requiredKeys: ['target_url', 'events'] },
  ),
  fc.record({ event: eventName, target_url: target }),
  fc.record(
    {
      target_url: target,
      events: fc.array(eventName, { minLength: 1, maxLength: 3 }),
      status: fc.constantFrom('active', 'paused'),
    },
    { requiredKeys: [] },
  ),
)
const body = fc.oneof(
  fc.constant(undefined),
  { weight: 8, arbitrary: plausible.map((value) => JSON.stringify(value)) },
  { weight: 8, arbitrary: subscriptionLike.map((value) => JSON.stringify(value)) },
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 60 }),
  fc.uint8Array({ maxLength: 60 }),
  fc.constantFrom(
    '{"events":',
    '\ufeff{}',
    '{"a":1}{"b":2}',
    'null',
    '[]',
    '"x"',
    '{"__proto__":{}}',
  ),
  fc.nat({ max: 5000 }).map((n) => JSON.stringify({ metadata: { a: 'x'.repeat(n) } })),
)

describe('the fetch handler under random requests', () => {
  it('never answers 5xx, and a 4xx is a problem document that changed nothing', async () => {
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(method, path, query, headers, body, async (m, p, q, h, b) => {
        const init: RequestInit = { method: m, headers: h }
        if (b !== undefined && m !== 'GET' && m !== 'HEAD') init.body = b
        let request: Request
        try {
          request = new Request(`http://rh.test${p}${q}`, init)
        } catch {
          return // not a request any runtime would hand over
        }
        const before = await snapshot()
        const response = await rh.fetch(request)
        const text = await response.text()
        seen.add(response.status >= 400 ? JSON.parse(text).code : String(response.status))
        expect(response.status, `${m} ${p}${q} -> ${text}`).toBeLessThan(500)
        if (response.status >= 400) {
          expect(await snapshot()).toBe(before)
          expect(response.headers.get('content-type')).toBe('application/problem+json')
          const problem = v.parse(ProblemSchema, JSON.parse(text))
          expect(problemCodes[problem.code as keyof typeof problemCodes]?.status).toBe(
            response.status,
          )
          expect(problem.type).toBe(`urn:rh:problem:${problem.code}`)
        }
      }),
      { numRuns: 1500 },
    )
    expect(errors).toEqual([])
    // The generators reach past routing, auth and parsing into the routes (usually 11+ kinds).
    expect(seen.size, [...seen].join(' ')).toBeGreaterThanOrEqual(8)
  })
})
