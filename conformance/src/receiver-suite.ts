import { generateSecret, HANDSHAKE_EVENT, sign } from '@rh/protocol'
import { check, show } from './assert'
import { describeResult, type FetchLike, type HttpResult, request } from './http'
import type { Progress, SuiteReport } from './report'
import { buildReport, runCases, type SuiteCase } from './runner'

/** Options of {@link runReceiverSuite}. */
export interface ReceiverSuiteOptions {
  /** The receiver's URL, where a server would POST deliveries. */
  url: string
  /** The secret the receiver verifies with (`whsec_…`). */
  secret: string
  /** The event name of the deliveries (`conformance.test`); some receivers accept only theirs. */
  event?: string
  /** Whether to check the receiver answers `rh.handshake` with its challenge (default `true`). */
  handshake?: boolean
  /** Only the cases with these ids, when given. */
  only?: readonly string[]
  /** Extra headers on every request (a receiver behind a gateway may need some). */
  headers?: Record<string, string>
  /** The clock the timestamps come from, ms since the epoch. */
  now?: () => number
  fetch?: FetchLike
  onProgress?: (progress: Progress) => void
}

interface ReceiverContext {
  options: ReceiverSuiteOptions
  fetch: FetchLike
  now: () => number
}

/** A delivery to send: fields default to a fresh, well-signed one. */
interface Send {
  id?: string
  /** Unix seconds. */
  timestamp?: number
  body?: string
  /** The `webhook-signature` value; default the signature of what is sent. */
  signature?: string
  /** Sign this body instead of the one sent. */
  signedBody?: string
  /** Sign this id instead of the one sent. */
  signedId?: string
  /** Headers to send instead of the computed ones (`undefined` omits one). */
  override?: Record<string, string | undefined>
  key?: string
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/** A fresh `msg_` id: ULID-shaped, random. */
export function messageId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(26))
  return `msg_${Array.from(bytes, (b) => CROCKFORD[b % 32]).join('')}`
}

/** A well-signed delivery, with the changes of `send`, POSTed to the receiver. */
async function deliver(context: ReceiverContext, send: Send = {}): Promise<HttpResult> {
  const { options } = context
  const id = send.id ?? messageId()
  const timestamp = send.timestamp ?? Math.floor(context.now() / 1000)
  const body = send.body ?? envelope(context, options.event ?? 'conformance.test')
  const signature =
    send.signature ??
    (await sign(send.key ?? options.secret, {
      id: send.signedId ?? id,
      timestamp,
      body: send.signedBody ?? body,
    }))
  const headers: Record<string, string> = {
    ...options.headers,
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signature,
  }
  for (const [name, value] of Object.entries(send.override ?? {})) {
    if (value === undefined) delete headers[name]
    else headers[name] = value
  }
  return request(context.fetch, 'POST', options.url, { body, headers })
}

function envelope(context: ReceiverContext, type: string, data: unknown = { conformance: true }) {
  return JSON.stringify({ type, timestamp: new Date(context.now()).toISOString(), data })
}

const ok = (result: HttpResult) => result.status >= 200 && result.status <= 299
const refused = (result: HttpResult) => result.status >= 400 && result.status <= 499

function expectAccepted(result: HttpResult, what: string) {
  check(ok(result), `${what} was not accepted`, '2xx', describeResult(result))
}

function expectRefused(result: HttpResult, what: string) {
  check(refused(result), `${what} was not refused`, '4xx', describeResult(result))
}

/** A case that sends one delivery and expects it refused with 4xx. */
const refuses = (
  id: string,
  title: string,
  send: (context: ReceiverContext) => Send | Promise<Send>,
): SuiteCase<ReceiverContext> => ({
  id: `receiver.${id}`,
  level: 'receiver',
  title,
  async run(context) {
    expectRefused(
      await deliver(context, await send(context)),
      title.replace(/^refuses /, '').replace(/ with 4xx$/, ''),
    )
  },
})

const TEN_MINUTES = 600
const randomSignature = () =>
  `v1,${btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(32))))}`

/** Every receiver case, in the order they run. */
export const receiverCases: readonly SuiteCase<ReceiverContext>[] = [
  {
    id: 'receiver.accepts-signed',
    level: 'receiver',
    title: 'accepts a well-signed delivery with 2xx',
    async run(context) {
      expectAccepted(await deliver(context), 'a well-signed delivery')
    },
  },
  {
    id: 'receiver.accepts-rotation',
    level: 'receiver',
    title: 'accepts a delivery whose signature list holds one valid signature among others',
    async run(context) {
      const id = messageId()
      const timestamp = Math.floor(context.now() / 1000)
      const body = envelope(context, context.options.event ?? 'conformance.test')
      const signature = await sign([generateSecret(), context.options.secret], {
        id,
        timestamp,
        body,
      })
      expectAccepted(
        await deliver(context, { id, timestamp, body, signature }),
        'a rotated delivery',
      )
    },
  },
  {
    id: 'receiver.ignores-unknown-version',
    level: 'receiver',
    title: 'accepts a valid v1 signature next to one of an unknown version',
    async run(context) {
      const id = messageId()
      const timestamp = Math.floor(context.now() / 1000)
      const body = envelope(context, context.options.event ?? 'conformance.test')
      const valid = await sign(context.options.secret, { id, timestamp, body })
      const signature = `v9,${randomSignature().slice(3)} ${valid}`
      expectAccepted(
        await deliver(context, { id, timestamp, body, signature }),
        'a delivery with an unknown signature version',
      )
    },
  },
  {
    id: 'receiver.replay',
    level: 'receiver',
    title: 'answers 2xx to a replayed delivery (same webhook-id), which it must not process twice',
    async run(context) {
      // The suite sees only statuses: that the replay is not processed again is the receiver's
      // promise (dedupe on webhook-id); answering 2xx keeps the sender from retrying it.
      const send: Send = { id: messageId(), timestamp: Math.floor(context.now() / 1000) }
      send.body = envelope(context, context.options.event ?? 'conformance.test', { replay: true })
      expectAccepted(await deliver(context, send), 'the first delivery')
      expectAccepted(await deliver(context, send), 'the replay')
    },
  },
  refuses('forged', 'refuses a forged signature with 4xx', () => ({
    signature: randomSignature(),
  })),
  refuses('wrong-secret', 'refuses a delivery signed with another secret with 4xx', () => ({
    key: generateSecret(),
  })),
  refuses('stale', 'refuses a timestamp 10 minutes old with 4xx', (context) => ({
    timestamp: Math.floor(context.now() / 1000) - TEN_MINUTES,
  })),
  refuses('future', 'refuses a timestamp 10 minutes ahead with 4xx', (context) => ({
    timestamp: Math.floor(context.now() / 1000) + TEN_MINUTES,
  })),
  refuses('tampered-body', 'refuses a body changed after signing with 4xx', (context) => {
    const event = context.options.event ?? 'conformance.test'
    return {
      signedBody: envelope(context, event, { amount: 1 }),
      body: envelope(context, event, { amount: 1000 }),
    }
  }),
  refuses('tampered-id', 'refuses a webhook-id changed after signing with 4xx', () => ({
    signedId: messageId(),
  })),
  refuses('missing-signature', 'refuses a delivery without webhook-signature with 4xx', () => ({
    override: { 'webhook-signature': undefined },
  })),
  refuses('missing-id', 'refuses a delivery without webhook-id with 4xx', () => ({
    override: { 'webhook-id': undefined },
  })),
  refuses('missing-timestamp', 'refuses a delivery without webhook-timestamp with 4xx', () => ({
    override: { 'webhook-timestamp': undefined },
  })),
  refuses(
    'malformed-signature',
    'refuses a webhook-signature without a version prefix with 4xx',
    () => ({ signature: randomSignature().slice(3) }),
  ),
  refuses('empty-signature', 'refuses an empty v1 signature with 4xx', () => ({
    signature: 'v1,',
  })),
  refuses(
    'malformed-timestamp',
    'refuses a webhook-timestamp that is not unix seconds with 4xx',
    (context) => ({ override: { 'webhook-timestamp': new Date(context.now()).toISOString() } }),
  ),
  {
    id: 'receiver.handshake',
    level: 'receiver',
    title: 'answers a signed rh.handshake with 2xx and { "challenge": <the same> }',
    async run(context) {
      const challenge = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(24))))
        .replaceAll('+', '-')
        .replaceAll('/', '_')
      const events = [context.options.event ?? 'conformance.test']
      const body = JSON.stringify({
        type: HANDSHAKE_EVENT,
        timestamp: new Date(context.now()).toISOString(),
        data: { challenge, events },
      })
      const result = await deliver(context, { body })
      const answered = (result.json as { challenge?: unknown } | undefined)?.challenge
      check(
        ok(result) && answered === challenge,
        'the handshake was not answered with its challenge',
        `2xx ${show({ challenge })}`,
        describeResult(result),
      )
    },
  },
]

/**
 * Runs the receiver suite against any webhook receiver: well-signed deliveries (also during key
 * rotation, and replays) must get 2xx; forged, wrongly keyed, stale, future, tampered and
 * malformed ones 4xx. Resolves with the report; never throws for a failing case.
 *
 * @example
 * const report = await runReceiverSuite({ url: 'http://127.0.0.1:4000/webhooks', secret })
 * console.log(formatReport(report))
 */
export async function runReceiverSuite(options: ReceiverSuiteOptions): Promise<SuiteReport> {
  const context: ReceiverContext = {
    options,
    fetch: options.fetch ?? globalThis.fetch,
    now: options.now ?? Date.now,
  }
  const cases = receiverCases.filter(
    (c) =>
      (options.handshake !== false || c.id !== 'receiver.handshake') &&
      (!options.only || options.only.includes(c.id)),
  )
  const started = Date.now()
  const results = await runCases(cases, context, { onProgress: options.onProgress })
  return buildReport('receiver', options.url, results, Date.now() - started)
}
