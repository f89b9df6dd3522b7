import { DEFAULT_RETRY_SCHEDULE } from '@rh/protocol'
import { ConformanceError } from '../errors'
import type { FetchLike } from '../http'
import { startReceivers } from '../receivers'
import { levels as allLevels, type Level, type Progress, type SuiteReport } from '../report'
import { buildReport, runCases } from '../runner'
import { createServerApi, type Profile } from '../server-api'
import { createTrigger, type Trigger } from '../trigger'
import type { ServerCase, ServerContext } from './context'
import { coreCases } from './core'
import { crudCases } from './crud'
import { failingTargetCases } from './failing-targets'
import { handshakeCases } from './handshake'
import { recoveryCases } from './recovery'
import { routingCases } from './routing'
import { securityCases } from './security'
import { signingCases } from './signing'

/** Options of {@link runServerSuite}. */
export interface ServerSuiteOptions {
  /** The mount prefix of the subscription API: `http://127.0.0.1:3000/hooks`. */
  url: string
  /**
   * How to make the server emit an event: a URL the suite POSTs `{ owner?, event, data }` to, a
   * shell command with `{event}`, `{data}`, `{owner}` placeholders, or a function.
   */
  trigger: string | Trigger
  /** `authorization` header value of the first owner (`Bearer x`). */
  auth?: string
  /** `authorization` header value of a second owner, for the owner-isolation case. */
  auth2?: string
  /**
   * Mount prefix of an instance that refuses private targets, for the SSRF cases. Without it they
   * run against `url` if it refuses a loopback target, and are skipped otherwise.
   */
  strictUrl?: string
  /**
   * Passed to the trigger as `owner`: the owner whose subscriptions `auth` makes; the
   * go-resthooks profile also sends it as `user_id` when subscribing.
   */
  owner?: string
  /** Headers sent with every POST of a URL trigger (`authorization` of `rh serve`'s `/events`). */
  triggerHeaders?: Record<string, string>
  /** Route shape: `rh` (default) or `go-resthooks` (`/subscribe`, `/unsubscribe/{id}`). */
  profile?: Profile
  /** The levels to run; all by default. */
  levels?: readonly Level[]
  /** Only the cases with these ids (`core.retry`), when given. */
  only?: readonly string[]
  /** The signing secret, when the server does not return one per subscription. */
  secret?: string
  /** The delays before each retry the server uses, in ms; 5000, 15000, 45000 by default. */
  retrySchedule?: readonly number[]
  /**
   * The server's threshold of consecutive failed deliveries before it disables a subscription
   * (10 by default in rh); the auto-disable case is skipped without it.
   */
  disableAfter?: number
  /** How long a delivery may take, on top of the retry delays, in ms (10 000). */
  timeoutMs?: number
  /** How long to wait to be sure something does not arrive, in ms (300). */
  settleMs?: number
  /** How far the server's timestamps may be from this machine's clock, in ms (30 000). */
  clockSkewMs?: number
  /** Where the receivers listen: 127.0.0.1 by default. */
  receiverHost?: string
  fetch?: FetchLike
  onProgress?: (progress: Progress) => void
}

/** Every server case, in the order they run. */
export const serverCases: readonly ServerCase[] = [
  ...coreCases,
  ...failingTargetCases,
  ...crudCases,
  ...signingCases,
  ...securityCases,
  ...handshakeCases,
  ...recoveryCases,
  ...routingCases,
]

/** The delays of the default retry schedule, 5 s, 15 s, 45 s. */
const defaultSchedule = Array.from(
  { length: DEFAULT_RETRY_SCHEDULE.retries },
  (_, n) => DEFAULT_RETRY_SCHEDULE.initialDelay * DEFAULT_RETRY_SCHEDULE.factor ** n,
)

/**
 * Runs the server suite against a running REST Hooks server, over HTTP only: starts receivers on
 * 127.0.0.1, subscribes them, makes the server emit events through the trigger, and checks what
 * arrives. Resolves with the report; never throws for a failing case.
 *
 * @example
 * const report = await runServerSuite({
 *   url: 'http://127.0.0.1:3000/hooks',
 *   trigger: 'http://127.0.0.1:3000/test/notify',
 *   retrySchedule: [50, 150, 450],
 * })
 * console.log(formatReport(report))
 */
export async function runServerSuite(options: ServerSuiteOptions): Promise<SuiteReport> {
  const fetch = options.fetch ?? globalThis.fetch
  const profile = options.profile ?? 'rh'
  const wanted = new Set(options.levels ?? allLevels)
  for (const level of wanted) {
    if (!allLevels.includes(level)) {
      throw new ConformanceError('invalid_options', `unknown level ${level}`, {
        expected: allLevels.join(', '),
        seen: level,
      })
    }
  }
  const cases = serverCases.filter(
    (c) =>
      wanted.has(c.level as Level) && (!options.only || options.only.some((id) => id === c.id)),
  )
  const api = (url: string, authorization: string | undefined) =>
    createServerApi({ baseUrl: url, authorization, profile, fetch, owner: options.owner })
  await preflight(fetch, options.url)
  if (options.strictUrl) await preflight(fetch, options.strictUrl)
  const started = Date.now()
  const receivers = await startReceivers(options.receiverHost ? { host: options.receiverHost } : {})
  const run = `${started.toString(36)}${Math.random().toString(36).slice(2, 6)}`
  let events = 0
  const context: ServerContext = {
    api: api(options.url, options.auth),
    api2: options.auth2 ? api(options.url, options.auth2) : undefined,
    strictApi: options.strictUrl ? api(options.strictUrl, options.auth) : undefined,
    auth: options.auth,
    receivers,
    trigger: createTrigger(options.trigger, {
      fetch,
      ...(options.triggerHeaders ? { headers: options.triggerHeaders } : {}),
    }),
    profile,
    owner: options.owner,
    secret: options.secret,
    retrySchedule: options.retrySchedule ?? defaultSchedule,
    disableAfter: options.disableAfter,
    timeoutMs: options.timeoutMs ?? 10_000,
    settleMs: options.settleMs ?? 300,
    clockSkewMs: options.clockSkewMs ?? 30_000,
    event: () => `conformance.${run}.${++events}`,
    memo: new Map(),
  }
  try {
    const results = await runCases(cases, context, { onProgress: options.onProgress })
    return buildReport('server', options.url, results, Date.now() - started)
  } finally {
    await receivers.close()
  }
}

/**
 * One request to `url` before any case: any HTTP answer will do; none at all (refused, reset,
 * DNS) ends the run with one `unreachable` error instead of a failure per case.
 */
async function preflight(fetch: FetchLike, url: string): Promise<void> {
  try {
    const response = await fetch(url, { method: 'GET', redirect: 'manual' })
    await response.body?.cancel()
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error
    const why = cause instanceof Error ? cause.message : String(cause)
    throw new ConformanceError(
      'unreachable',
      `cannot reach the server under test at ${url}: ${why}`,
      {
        cause: error,
      },
    )
  }
}
