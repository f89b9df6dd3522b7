/**
 * Builds protocol/generated/schemas.json (JSON Schema 2020-12) and openapi.json (OpenAPI 3.1)
 * from the valibot schemas: the shapes are never written twice.
 */
import { type ConversionConfig, type JsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema'
import type * as v from 'valibot'
import * as p from '../src/schemas/index'
import * as ex from './examples'

/** Every named schema, by the name it has in both documents. */
export const definitions = {
  Subscription: p.SubscriptionSchema,
  SubscriptionPage: p.SubscriptionPageSchema,
  CreateSubscription: p.CreateSubscriptionSchema,
  UpdateSubscription: p.UpdateSubscriptionSchema,
  LegacySubscribe: p.LegacySubscribeSchema,
  ListSubscriptionsQuery: p.ListSubscriptionsQuerySchema,
  Attempt: p.AttemptSchema,
  AttemptPage: p.AttemptPageSchema,
  AttemptOutcome: p.AttemptOutcomeSchema,
  ListAttemptsQuery: p.ListAttemptsQuerySchema,
  Message: p.MessageSchema,
  MessageDelivery: p.MessageDeliverySchema,
  MessageWithDeliveries: p.MessageWithDeliveriesSchema,
  MessagePage: p.MessagePageSchema,
  SubscriptionMessagePage: p.SubscriptionMessagePageSchema,
  DeliveryStatus: p.DeliveryStatusSchema,
  ListMessagesQuery: p.ListMessagesQuerySchema,
  ListSubscriptionMessagesQuery: p.ListSubscriptionMessagesQuerySchema,
  RedeliverRequest: p.RedeliverRequestSchema,
  RedeliverResponse: p.RedeliverResponseSchema,
  ReplayRequest: p.ReplayRequestSchema,
  ReplayResponse: p.ReplayResponseSchema,
  RotateSecretRequest: p.RotateSecretRequestSchema,
  RotateSecretResponse: p.RotateSecretResponseSchema,
  TestEventResponse: p.TestEventResponseSchema,
  Notification: p.NotificationSchema,
  Handshake: p.HandshakeSchema,
  HandshakeResponse: p.HandshakeResponseSchema,
  Challenge: p.ChallengeSchema,
  WebhookHeaders: p.WebhookHeadersSchema,
  WebhookId: p.WebhookIdSchema,
  WebhookTimestamp: p.WebhookTimestampSchema,
  WebhookSignature: p.WebhookSignatureSchema,
  Problem: p.ProblemSchema,
  ProblemCode: p.ProblemCodeSchema,
  FieldIssue: p.FieldIssueSchema,
  SubscriptionId: p.SubscriptionIdSchema,
  MessageId: p.MessageIdSchema,
  AttemptId: p.AttemptIdSchema,
  Timestamp: p.TimestampSchema,
  EventName: p.EventNameSchema,
  EventList: p.EventListSchema,
  EventPattern: p.EventPatternSchema,
  Filter: p.FilterNodeSchema,
  FilterCondition: p.FilterConditionSchema,
  TargetUrl: p.TargetUrlSchema,
  Metadata: p.MetadataSchema,
  SubscriptionSecret: p.SubscriptionSecretSchema,
  SubscriptionStatus: p.SubscriptionStatusSchema,
  WritableStatus: p.WritableStatusSchema,
  Ordering: p.OrderingSchema,
  Cursor: p.CursorSchema,
  PageLimit: p.PageLimitSchema,
} satisfies Record<string, v.GenericSchema>

type Name = keyof typeof definitions
type Json = JsonSchema

const conversion = (refBase: string): Omit<ConversionConfig, 'definitions'> => ({
  target: 'draft-2020-12',
  // Requests are validated as received: stop before transforms (a query `limit` is text).
  typeMode: 'input',
  // Any action JSON Schema cannot say must be given an explicit `jsonSchema` metadata or fail.
  errorMode: 'throw',
  overrideRef: ({ referenceId }) => `${refBase}${referenceId}`,
  overrideAction: ({ valibotAction, jsonSchema }) => {
    // A check across members (`until` not before `since`): JSON Schema cannot compare two
    // values, so the members' descriptions say it and the schema stays as it is.
    if (valibotAction.type === 'partial_check') return jsonSchema
    const metadata = (valibotAction as { metadata?: { jsonSchema?: Json } }).metadata
    return valibotAction.type === 'metadata' && metadata?.jsonSchema
      ? structuredClone(metadata.jsonSchema)
      : undefined
  },
})

const defs = (refBase: string): Record<Name, Json> => {
  const out = toJsonSchemaDefs(definitions, conversion(refBase)) as Record<Name, Json>
  for (const schema of Object.values(out)) delete schema.$schema
  return out
}

/** protocol/generated/schemas.json: one JSON Schema 2020-12 document, every schema in `$defs`. */
export const buildJsonSchemas = (): Json => ({
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'urn:rh:protocol:schemas',
  title: 'rh protocol schemas',
  description:
    'The wire shapes of rh (REST Hooks). Generated from @rh/protocol; see protocol/PROTOCOL.md.',
  $defs: defs('#/$defs/'),
})

// ---------------------------------------------------------------------------------------------
// OpenAPI

const ref = (name: Name) => ({ $ref: `#/components/schemas/${name}` })
const responseRef = (name: string) => ({ $ref: `#/components/responses/${name}` })

/** A reusable problem response per status, listing the codes the table maps to it. */
const problemResponseName = (status: number) => `Problem${status}`

const problemResponses = (): Record<string, unknown> => {
  const byStatus = new Map<number, string[]>()
  for (const [code, entry] of Object.entries(p.problemCodes)) {
    // The receiver's codes answer webhooks, not API requests.
    if ('by' in entry) continue
    byStatus.set(entry.status, [...(byStatus.get(entry.status) ?? []), code])
  }
  const out: Record<string, unknown> = {}
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const retryAfter = status === 429 || status === 503
    out[problemResponseName(status)] = {
      description: `Problem: ${codes.map((c) => `\`${c}\``).join(', ')}.`,
      ...(retryAfter
        ? {
            headers: {
              'Retry-After': {
                description: 'Seconds to wait before trying again.',
                schema: { type: 'integer', minimum: 0 },
              },
            },
          }
        : {}),
      content: {
        'application/problem+json': {
          schema: ref('Problem'),
          ...(status === 404 ? { example: ex.notFoundProblem } : {}),
          ...(status === 422 ? { example: ex.invalidRequestProblem } : {}),
          ...(status === 409 ? { example: ex.subscriptionInactiveProblem } : {}),
        },
      },
    }
  }
  return out
}

/** Query parameters from the properties of a query object schema. */
const queryParameters = (
  name:
    | 'ListSubscriptionsQuery'
    | 'ListAttemptsQuery'
    | 'ListMessagesQuery'
    | 'ListSubscriptionMessagesQuery',
) => {
  const query = defs('#/components/schemas/')[name] as {
    properties?: Record<string, Json>
    required?: string[]
  }
  return Object.entries(query.properties ?? {}).map(([parameter, schema]) => ({
    name: parameter,
    in: 'query',
    required: query.required?.includes(parameter) ?? false,
    schema,
  }))
}

const idParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    'The subscription id. An id the server does not know, or one of another owner, answers 404.',
  schema: { type: 'string' },
}

const messageIdParameter = {
  name: 'id',
  in: 'path',
  required: true,
  description:
    'The message id (`webhook-id`). An id the server does not know, or one of another owner, answers 404.',
  schema: { type: 'string' },
}

const jsonBody = (name: Name, example: unknown, required = true) => ({
  required,
  content: { 'application/json': { schema: ref(name), example } },
})

const jsonResponse = (description: string, name: Name, example: unknown) => ({
  description,
  content: { 'application/json': { schema: ref(name), example } },
})

/** Problems any operation can answer. */
const common = {
  '401': responseRef(problemResponseName(401)),
  '429': responseRef(problemResponseName(429)),
  '503': responseRef(problemResponseName(503)),
  '500': responseRef(problemResponseName(500)),
}
/** Problems of any operation with a JSON body. */
const withBody = {
  '400': responseRef(problemResponseName(400)),
  '413': responseRef(problemResponseName(413)),
  '415': responseRef(problemResponseName(415)),
  '422': responseRef(problemResponseName(422)),
}

const paths = () => ({
  '/subscriptions': {
    post: {
      operationId: 'createSubscription',
      summary: 'Subscribe a target URL to events',
      description:
        'Validates the body, refuses unsafe targets (`target_refused`), runs the handshake when the server requires it (`handshake_failed`), then stores the subscription. `secret` is in the response only when the server generated it.',
      requestBody: jsonBody('CreateSubscription', ex.createSubscription),
      responses: {
        '201': {
          ...jsonResponse('The subscription.', 'Subscription', ex.createdSubscription),
          headers: {
            Location: {
              description: 'URL of the new subscription.',
              schema: { type: 'string', format: 'uri-reference' },
            },
          },
        },
        ...withBody,
        ...common,
      },
    },
    get: {
      operationId: 'listSubscriptions',
      summary: "List the owner's subscriptions",
      description:
        'Cursor-paginated, newest first. `event` keeps the subscriptions listening to that event.',
      parameters: queryParameters('ListSubscriptionsQuery'),
      responses: {
        '200': jsonResponse('A page of subscriptions.', 'SubscriptionPage', ex.subscriptionPage),
        '400': responseRef(problemResponseName(400)),
        ...common,
      },
    },
  },
  '/subscriptions/{id}': {
    parameters: [idParameter],
    get: {
      operationId: 'getSubscription',
      summary: 'Get a subscription',
      responses: {
        '200': jsonResponse('The subscription.', 'Subscription', ex.subscription),
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
    patch: {
      operationId: 'updateSubscription',
      summary: 'Change a subscription',
      description:
        'Any non-empty subset of `target_url`, `events`, `status` (`active` or `paused`), `metadata`; `metadata` replaces the whole map. Setting `status: active` re-enables a `disabled` subscription and resets its failure count.',
      requestBody: jsonBody('UpdateSubscription', ex.updateSubscription),
      responses: {
        '200': jsonResponse('The changed subscription.', 'Subscription', {
          ...ex.subscription,
          status: 'paused',
        }),
        '404': responseRef(problemResponseName(404)),
        ...withBody,
        ...common,
      },
    },
    delete: {
      operationId: 'deleteSubscription',
      summary: 'Delete a subscription',
      description: 'Removes it and cancels its pending deliveries.',
      responses: {
        '204': { description: 'Deleted.' },
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
  '/subscriptions/{id}/attempts': {
    parameters: [idParameter],
    get: {
      operationId: 'listAttempts',
      summary: 'The delivery attempt log of a subscription',
      description: 'Cursor-paginated, newest first.',
      parameters: queryParameters('ListAttemptsQuery'),
      responses: {
        '200': jsonResponse('A page of attempts.', 'AttemptPage', ex.attemptPage),
        '400': responseRef(problemResponseName(400)),
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
  ...recoveryPaths(),
  '/subscribe': {
    post: {
      operationId: 'legacySubscribe',
      summary: 'go-resthooks alias: subscribe to one event',
      description:
        'Same as `POST /subscriptions` with `events: [event]`, answered as go-resthooks does: `200` with `id`, `user_id` (echoed, `0` when absent; never the owner), `event` and `target_url` first, then the `Subscription` members. Any content type is read as JSON.',
      requestBody: jsonBody('LegacySubscribe', ex.legacySubscribe),
      responses: {
        '200': jsonResponse('The subscription.', 'Subscription', {
          user_id: 0,
          event: 'post.created',
          ...ex.createdSubscription,
          events: ['post.created'],
          metadata: {},
        }),
        ...withBody,
        ...common,
      },
    },
  },
  '/unsubscribe/{id}': {
    parameters: [idParameter],
    delete: {
      operationId: 'legacyUnsubscribe',
      summary: 'go-resthooks alias: delete a subscription',
      responses: {
        '200': { description: 'Deleted (empty body, as go-resthooks answers).' },
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
})

/** The routes of recovery (PROTOCOL.md §12): the message log, redeliver, replay, rotation, test. */
const recoveryPaths = () => ({
  '/messages': {
    get: {
      operationId: 'listMessages',
      summary: "List the owner's messages",
      description:
        "The message log: every accepted notification, cursor-paginated, newest first. `event` keeps that event's messages; `since` (inclusive) and `until` (exclusive) bound `created_at`.",
      parameters: queryParameters('ListMessagesQuery'),
      responses: {
        '200': jsonResponse('A page of messages.', 'MessagePage', ex.messagePage),
        '400': responseRef(problemResponseName(400)),
        ...common,
      },
    },
  },
  '/messages/{id}': {
    parameters: [messageIdParameter],
    get: {
      operationId: 'getMessage',
      summary: 'Get a message and what became of each delivery',
      responses: {
        '200': jsonResponse(
          'The message with its deliveries.',
          'MessageWithDeliveries',
          ex.messageWithDeliveries,
        ),
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
  '/messages/{id}/redeliver': {
    parameters: [messageIdParameter],
    post: {
      operationId: 'redeliverMessage',
      summary: 'Send a message again',
      description:
        'To every active subscription it went to, or only to `subscription_id`; with the same `webhook-id` and bytes. A delivery still pending is left as it is. The body may be empty.',
      requestBody: jsonBody('RedeliverRequest', ex.redeliverRequest, false),
      responses: {
        '202': jsonResponse('Queued.', 'RedeliverResponse', ex.redeliverResponse),
        '404': responseRef(problemResponseName(404)),
        '409': responseRef(problemResponseName(409)),
        ...withBody,
        ...common,
      },
    },
  },
  '/subscriptions/{id}/messages': {
    parameters: [idParameter],
    get: {
      operationId: 'listSubscriptionMessages',
      summary: 'The messages of one subscription',
      description:
        "Cursor-paginated, newest first, each with this subscription's delivery. `status=failed` lists its dead letters.",
      parameters: queryParameters('ListSubscriptionMessagesQuery'),
      responses: {
        '200': jsonResponse(
          'A page of messages.',
          'SubscriptionMessagePage',
          ex.subscriptionMessagePage,
        ),
        '400': responseRef(problemResponseName(400)),
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
  '/subscriptions/{id}/replay': {
    parameters: [idParameter],
    post: {
      operationId: 'replaySubscription',
      summary: 'Send the messages of a time range again',
      description:
        'Queues the messages created in `[since, until)` again for this subscription, in message order, with the same `webhook-id` and bytes. `status: failed` (default): what failed or was cancelled; `all`: every message of its events, also those it never got. A paused or disabled subscription answers `409 subscription_inactive`.',
      requestBody: jsonBody('ReplayRequest', ex.replayRequest),
      responses: {
        '202': jsonResponse('Queued.', 'ReplayResponse', ex.replayResponse),
        '404': responseRef(problemResponseName(404)),
        '409': responseRef(problemResponseName(409)),
        ...withBody,
        ...common,
      },
    },
  },
  '/subscriptions/{id}/rotate-secret': {
    parameters: [idParameter],
    post: {
      operationId: 'rotateSubscriptionSecret',
      summary: 'Replace the signing secret, with a grace period',
      description:
        'A new secret, shown this once. The previous one keeps signing beside it (two signatures in `webhook-signature`) for `grace_seconds` (default 86400). A server that signs with its own key answers `409 no_subscription_secret`. The body may be empty.',
      requestBody: jsonBody('RotateSecretRequest', ex.rotateSecretRequest, false),
      responses: {
        '200': jsonResponse('The new secret.', 'RotateSecretResponse', ex.rotateSecretResponse),
        '404': responseRef(problemResponseName(404)),
        '409': responseRef(problemResponseName(409)),
        ...withBody,
        ...common,
      },
    },
  },
  '/subscriptions/{id}/test': {
    parameters: [idParameter],
    post: {
      operationId: 'sendTestEvent',
      summary: 'Send a signed rh.ping now',
      description:
        "Sends one signed `rh.ping` (a new message id, `data: {}`) to the target now, whatever the subscription's status, and answers with the attempt, whatever the receiver answered. Nothing is queued, retried or logged, and the answer has no consequence (a `410` deletes nothing).",
      responses: {
        '200': jsonResponse('The attempt.', 'TestEventResponse', ex.testEventResponse),
        '404': responseRef(problemResponseName(404)),
        ...common,
      },
    },
  },
})

const deliveryHeaders = [
  ['webhook-id', 'WebhookId', 'The message id: the same on every retry; dedupe on it.'],
  ['webhook-timestamp', 'WebhookTimestamp', 'Unix seconds of this attempt; verify within 300 s.'],
  ['webhook-signature', 'WebhookSignature', 'Space-separated `v1,` / `v1a,` signatures.'],
] as const

const webhooks = () => {
  const parameters = deliveryHeaders.map(([name, schema, description]) => ({
    name,
    in: 'header',
    required: true,
    description,
    schema: ref(schema),
  }))
  return {
    notification: {
      post: {
        operationId: 'deliverNotification',
        summary: 'A notification delivered to a target URL',
        description:
          'Signed with Standard Webhooks headers over the exact body bytes. The server retries anything but 2xx and 410 (5 s, 15 s, 45 s by default) and never follows redirects.',
        parameters,
        requestBody: jsonBody('Notification', ex.notification),
        responses: {
          '2XX': { description: 'Delivered; no further attempts.' },
          '410': { description: 'Gone: the server deletes the subscription.' },
          '429': {
            description: 'Retried, not before `Retry-After` (bounded by the server).',
          },
          '503': {
            description: 'Retried, not before `Retry-After` (bounded by the server).',
          },
          default: {
            description: 'Any other status, a redirect, a timeout or a network error: retried.',
          },
        },
      },
    },
    handshake: {
      post: {
        operationId: 'handshake',
        summary: 'Intent verification at subscribe time',
        description:
          'Sent to the target before a subscription is stored, signed like a delivery. The target agrees by echoing the challenge.',
        parameters,
        requestBody: jsonBody('Handshake', ex.handshake),
        responses: {
          '2XX': jsonResponse('Agreed.', 'HandshakeResponse', ex.handshakeResponse),
          default: { description: 'Refused: the create request fails with `handshake_failed`.' },
        },
      },
    },
  }
}

/** protocol/generated/openapi.json: the subscription API and the webhooks it sends. */
export const buildOpenApi = (version: string): Record<string, unknown> => ({
  openapi: '3.1.0',
  jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
  info: {
    title: 'rh REST Hooks subscription API',
    version,
    summary: 'Subscribe target URLs to events; receive signed notifications.',
    description:
      'Normative text: protocol/PROTOCOL.md. Authentication is out of scope: the server identifies an owner per request and scopes every resource to it. Request bodies are `application/json`, at most 64 KiB. Errors are RFC 9457 `application/problem+json`.',
    license: { name: 'MIT', identifier: 'MIT' },
  },
  servers: [
    {
      url: 'https://api.example.com/hooks',
      description: 'An example `{base}`: wherever the server mounts the API.',
    },
  ],
  paths: paths(),
  webhooks: webhooks(),
  components: {
    schemas: defs('#/components/schemas/'),
    responses: problemResponses(),
  },
})

/** The generated files, by name under protocol/generated, as they are written. */
export const renderDocuments = (version: string): Record<string, string> => ({
  'schemas.json': `${JSON.stringify(buildJsonSchemas(), null, 2)}\n`,
  'openapi.json': `${JSON.stringify(buildOpenApi(version), null, 2)}\n`,
})
