import { EventNameSchema } from '@rh/protocol'
import * as v from 'valibot'

const fn = (what: string) =>
  v.custom<(...args: never[]) => unknown>(
    (input) => typeof input === 'function',
    `must be a function (${what})`,
  )
/** An object with these methods, as a store, queue or clock must be. */
const withMethods = (what: string, methods: readonly string[]) =>
  v.custom<object>(
    (input) =>
      typeof input === 'object' &&
      input !== null &&
      methods.every((method) => typeof (input as Record<string, unknown>)[method] === 'function'),
    `must be ${what} (an object with ${methods.join(', ')})`,
  )
const int = (min: number, unit = '') =>
  v.pipe(
    v.number(`must be an integer >= ${min}${unit}`),
    v.integer(`must be an integer >= ${min}${unit}`),
    v.minValue(min, `must be an integer >= ${min}${unit}`),
  )
const num = (min: number, max = Number.POSITIVE_INFINITY) => {
  const message = `must be a number from ${min}${max === Number.POSITIVE_INFINITY ? ' up' : ` to ${max}`}`
  return v.pipe(
    v.number(message),
    v.finite(message),
    v.minValue(min, message),
    v.maxValue(max, message),
  )
}
const bool = v.boolean('must be true or false')
const key = v.pipe(
  v.string('must be a whsec_ or whsk_ key'),
  v.regex(/^(whsec|whsk)_/, 'must be a whsec_ or whsk_ key'),
)

/**
 * The options of `createResthooks` as data: what each must be, so a mistake fails at once
 * with the option's name instead of as a `500` at the first request. Every option is listed:
 * an unknown one (a typo) is refused too.
 */
export const ResthooksOptionsSchema = v.strictObject(
  {
    authenticate: fn('request => owner | null'),
    store: v.optional(
      withMethods('a SubscriptionStore', ['create', 'get', 'list', 'update', 'delete', 'match']),
    ),
    queue: v.optional(
      withMethods('a DeliveryQueue', ['enqueue', 'claim', 'complete', 'reschedule', 'size']),
    ),
    events: v.optional(v.array(EventNameSchema, 'must be an array of event names')),
    signing: v.optional(
      v.union(
        [
          v.strictObject({ secret: v.union([key, v.pipe(v.array(key), v.minLength(1))]) }),
          v.strictObject({ perSubscription: v.picklist(['v1', 'v1a']) }),
        ],
        "must be { secret: 'whsec_…' | string[] } or { perSubscription: 'v1' | 'v1a' }",
      ),
    ),
    retry: v.optional(
      v.strictObject({
        retries: v.optional(int(0)),
        initialDelay: v.optional(num(0)),
        factor: v.optional(num(1)),
        maxDelay: v.optional(num(0)),
        jitter: v.optional(num(0, 1)),
        delays: v.optional(v.array(num(0), 'must be an array of delays in ms')),
      }),
    ),
    retention: v.optional(v.strictObject({ messages: v.optional(int(1, ' (ms)')) })),
    disableAfter: v.optional(int(1)),
    failingAfter: v.optional(int(1)),
    onOperationalEvent: v.optional(fn('event => void')),
    handshake: v.optional(bool),
    aliasHandshake: v.optional(bool),
    clock: v.optional(withMethods('a Clock', ['now', 'setTimer'])),
    transport: v.optional(fn('a Transport')),
    resolve: v.optional(fn('hostname => addresses')),
    allowPrivateTargets: v.optional(bool),
    concurrency: v.optional(
      v.strictObject({ global: v.optional(int(1)), perHost: v.optional(int(1)) }),
    ),
    timeout: v.optional(int(1, ' (ms)')),
    leaseMs: v.optional(int(1, ' (ms)')),
    maxResponseBytes: v.optional(int(1, ' (bytes)')),
    maxBodyBytes: v.optional(int(1, ' (bytes)')),
    onError: v.optional(fn('(error, request) => void')),
    telemetry: v.optional(
      v.strictObject(
        {
          tracer: v.optional(withMethods('an OpenTelemetry Tracer', ['startSpan'])),
          meter: v.optional(
            withMethods('an OpenTelemetry Meter', [
              'createCounter',
              'createHistogram',
              'createObservableGauge',
            ]),
          ),
          prometheus: v.optional(withMethods('prometheusMetrics()', ['scrape', 'fetch'])),
          countSubscriptions: v.optional(fn('() => Promise<{ active?, paused?, disabled? }>')),
        },
        (issue) =>
          issue.expected === 'never'
            ? 'is not an option of telemetry'
            : 'must be { tracer?, meter?, prometheus?, countSubscriptions? }',
      ),
    ),
  },
  (issue) =>
    issue.expected === 'never'
      ? 'is not an option of createResthooks'
      : 'is required: a function that returns the request’s owner, or null to answer 401',
)

/**
 * Checks `createResthooks` options against {@link ResthooksOptionsSchema}; throws a
 * `TypeError` naming the first wrong option and what it must be, e.g.
 * `createResthooks: options.retry.retries must be an integer >= 0 (got -1)`.
 *
 * @example
 * checkOptions({ authenticate: () => 'alice', retry: { retries: 3 } })
 */
export function checkOptions(options: unknown): void {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('createResthooks: options must be an object with at least authenticate')
  }
  const result = v.safeParse(ResthooksOptionsSchema, options)
  if (result.success) return
  const issue = result.issues[0]
  const path = ['options', ...(issue.path ?? []).map((item) => String(item.key))].join('.')
  const got =
    issue.expected === 'never'
      ? 'a typo?'
      : issue.input === undefined
        ? 'missing'
        : `got ${show(issue.input)}`
  throw new TypeError(`createResthooks: ${path} ${issue.message} (${got})`)
}

function show(value: unknown): string {
  if (typeof value === 'function') return 'a function'
  try {
    return JSON.stringify(value)?.slice(0, 60) ?? String(value)
  } catch {
    return String(value)
  }
}
