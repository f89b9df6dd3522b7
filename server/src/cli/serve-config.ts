import { parseArgs } from 'node:util'
import type { RetryPolicy } from '../delivery/retry-policy'
import { type ApiKey, parseApiKeys } from './api-keys'

/** Everything `rh serve` needs, from flags and `RH_*` environment variables. */
export interface ServeConfig {
  host: string
  /** 0 picks a free port (printed in the `start` log line). */
  port: number
  /** Where subscriptions and pending deliveries live. */
  storage: { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string }
  apiKeys: ApiKey[]
  /** One `whsec_`/`whsk_` key signing every delivery; `null`: a secret per subscription. */
  secret: string | null
  /** Lets subscriptions target loopback and private addresses (development only). */
  allowPrivateTargets: boolean
  /** Whether the go-resthooks alias `POST /subscribe` runs the handshake (`/subscriptions` always does). */
  aliasHandshake: boolean
  /** Prefix of the subscription API, `''` or like `/hooks`. */
  basePath: string
  /** The parts of the retry schedule that were set; the rest keep 5 s, 15 s, 45 s. */
  retry: Partial<Pick<RetryPolicy, 'retries' | 'initialDelay' | 'factor'>>
  /**
   * The named retry schedule: `go-resthooks` (5 s, 15 s, 45 s; the default, which `retry` may
   * adjust) or `standard` (Standard Webhooks: up to ~28 h, recommended for production).
   */
  retrySchedule: RetryScheduleName
  /** How long the message log keeps messages, in ms; `null`: the default (30 days). */
  retention: number | null
  /**
   * Where operational events (`delivery.exhausted`, `subscription.failing`,
   * `subscription.disabled`) are delivered as signed webhooks; `null`: nowhere. The secret is
   * the subscription's own (`null`: signed with `secret`).
   */
  opsWebhook: { url: string; secret: string | null } | null
  /** Serve `GET /metrics` (Prometheus text format, no API key). */
  metrics: boolean
  /** Serve the web console at `/console` (signs in with an API key). */
  console: boolean
  /** `json`: one JSON object per line (log shippers); `pretty`: one readable line per event. */
  logFormat: LogFormat
  /** The least severe level written. */
  logLevel: LogLevel
}

/** The retry schedules `--retry-schedule` names. */
export const retryScheduleNames = ['go-resthooks', 'standard'] as const
/** One of {@link retryScheduleNames}. */
export type RetryScheduleName = (typeof retryScheduleNames)[number]

/** How `rh serve` writes its log lines. */
export type LogFormat = 'json' | 'pretty'
/** Log levels, least severe first. */
export const logLevels = ['debug', 'info', 'warn', 'error'] as const
/** One of {@link logLevels}. */
export type LogLevel = (typeof logLevels)[number]

/** A bad command line: the message says what to fix; exit with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** The help text of `rh serve`. */
export const serveUsage = `Usage: rh serve [options]

A standalone REST Hooks service: the subscription API, POST /events to publish, GET /health.
Every flag can also be set by an environment variable; flags win.

  --host <host>              RH_HOST                  listen address (default 127.0.0.1)
  --port <port>              RH_PORT                  listen port (default 8080, 0 = any free)
  --data <file>              RH_DATA                  SQLite file (default ./rh.db)
  --postgres <url>           RH_POSTGRES_URL          use PostgreSQL instead of SQLite
  --api-key <owner:key>      RH_API_KEYS              owner:key[,owner:key...]; flag repeatable
  --secret <whsec_...>       RH_SECRET                one signing secret for every delivery
                                                      (default: a secret per subscription)
  --allow-private-targets    RH_ALLOW_PRIVATE_TARGETS deliver to private/loopback addresses
  --alias-handshake <on|off> RH_ALIAS_HANDSHAKE       handshake on the go-resthooks alias POST
                                                      /subscribe (default on; off lets go-resthooks
                                                      consumers subscribe, unverified)
  --base-path <path>         RH_BASE_PATH             prefix of the subscription API (default /)
  --retries <n>              RH_RETRIES               retries after a failed delivery (default 3)
  --retry-delay <ms>         RH_RETRY_DELAY           wait before the first retry (default 5000)
  --retry-factor <x>         RH_RETRY_FACTOR          each retry waits x times longer (default 3)
  --retry-schedule <name>    RH_RETRY_SCHEDULE        go-resthooks (default: 5 s, 15 s, 45 s) or
                                                      standard (Standard Webhooks: now, 5 s, 5 min,
                                                      30 min, 2 h, 5 h, 10 h, 10 h; for production)
  --retention <duration>     RH_RETENTION             how long messages stay replayable, e.g. 30d,
                                                      12h, 90m (default 30d)
  --ops-webhook <url>        RH_OPS_WEBHOOK           send operational events (delivery.exhausted,
                                                      subscription.failing, subscription.disabled)
                                                      there as signed, retried webhooks
  --ops-secret <whsec_...>   RH_OPS_SECRET            the ops webhook's signing secret (default:
                                                      --secret; one of them is needed)
  --metrics                  RH_METRICS               serve GET /metrics (Prometheus text format, no
                                                      API key: expose it to your scraper only)
  --no-console               RH_CONSOLE=off           do not serve the web console at /console
                                                      (default: served; signs in with an API key)
  --log-format <json|pretty> RH_LOG_FORMAT            log lines as JSON (default) or readable text
  --log-level <level>        RH_LOG_LEVEL             debug, info (default), warn or error
  -v, --version                                       print the version
  -h, --help                                          show this help

Publishing: POST {base}/events
  Authorization: Bearer <key>   a key given to --api-key / RH_API_KEYS
  Content-Type: application/json
  Idempotency-Key: <key>        optional: the same key again within 24 h answers the first
                                message_id and delivers nothing new
  Body: {"event": "invoice.paid", "data": {...}, "owner": "acme"}
        owner is optional: it defaults to the key's owner, and a key publishes only for its own.
  202 {"message_id": "msg_..."} once the event is stored; every active subscription of the owner
  to the event is then delivered (signed, retried). 401 bad key, 413 over 64 KiB, 422 bad event,
  503 with Retry-After when the database cannot take it (send it again).

The subscription API (same Authorization): POST/GET {base}/subscriptions,
GET/PATCH/DELETE {base}/subscriptions/{id}, GET {base}/subscriptions/{id}/attempts.
GET /health: 200 {"status":"ok"}, or 503 when the database is unusable (a full disk).
GET /console/: the web console (subscriptions, messages, attempts, replay, redeliver), signed in
with an API key; it calls the subscription API above.

Example:
  rh serve --api-key acme:s3cret --allow-private-targets
  curl -X POST localhost:8080/events -H 'authorization: Bearer s3cret' \
    -H 'content-type: application/json' -d '{"event":"invoice.paid","data":{"id":1}}'
`

const truthy = (value: string | undefined) =>
  value !== undefined && /^(1|true|yes|on)$/i.test(value.trim())

/**
 * Reads the `rh serve` configuration from its arguments and environment. Flags win over
 * `RH_*` variables; throws {@link UsageError} on anything invalid, before anything starts.
 * Returns `null` when help was asked for.
 *
 * @example
 * const config = parseServeConfig(['--port', '0', '--api-key', 'acme:k'], process.env)
 */
export function parseServeConfig(
  argv: readonly string[],
  env: Record<string, string | undefined>,
): ServeConfig | null {
  let values: ReturnType<typeof parse>['values']
  try {
    values = parse(argv).values
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (values.help) return null

  const portText = values.port ?? env.RH_PORT ?? '8080'
  const port = Number(portText)
  if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got "${portText}"`)
  }

  let apiKeys: ApiKey[]
  try {
    apiKeys = parseApiKeys([...(values['api-key'] ?? []), env.RH_API_KEYS ?? ''].join(','))
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
  if (apiKeys.length === 0) {
    throw new UsageError('give at least one API key: --api-key owner:key or RH_API_KEYS')
  }

  const secret = values.secret ?? env.RH_SECRET ?? null
  if (secret !== null && !/^(whsec|whsk)_[A-Za-z0-9+/=]+$/.test(secret)) {
    throw new UsageError('--secret must be a whsec_ (or whsk_) key')
  }

  const retrySchedule = oneOf(
    '--retry-schedule',
    values['retry-schedule'] ?? env.RH_RETRY_SCHEDULE ?? 'go-resthooks',
    retryScheduleNames,
  )
  const adjusted = (
    [
      ['retries', 'RH_RETRIES'],
      ['retry-delay', 'RH_RETRY_DELAY'],
      ['retry-factor', 'RH_RETRY_FACTOR'],
    ] as const
  ).find(([flag, name]) => (values[flag] ?? env[name]) !== undefined)
  if (retrySchedule === 'standard' && adjusted) {
    throw new UsageError(
      `--retry-schedule standard is a fixed list: leave out --${adjusted[0]} (${adjusted[1]})`,
    )
  }
  const retentionText = values.retention ?? env.RH_RETENTION

  const postgresUrl = values.postgres ?? env.RH_POSTGRES_URL
  const basePath = (values['base-path'] ?? env.RH_BASE_PATH ?? '').replace(/\/+$/, '')
  if (basePath !== '' && !/^\/[A-Za-z0-9._~/-]*$/.test(basePath)) {
    throw new UsageError(`--base-path must be a URL path like /hooks, got "${basePath}"`)
  }

  return {
    host: values.host ?? env.RH_HOST ?? '127.0.0.1',
    port,
    storage: postgresUrl
      ? { kind: 'postgres', url: postgresUrl }
      : { kind: 'sqlite', path: values.data ?? env.RH_DATA ?? './rh.db' },
    apiKeys,
    secret,
    allowPrivateTargets: values['allow-private-targets'] ?? truthy(env.RH_ALLOW_PRIVATE_TARGETS),
    basePath,
    aliasHandshake: onOff('--alias-handshake', values['alias-handshake'] ?? env.RH_ALIAS_HANDSHAKE),
    retry: parseRetry(values, env),
    retrySchedule,
    retention: retentionText === undefined ? null : duration('--retention', retentionText),
    opsWebhook: parseOpsWebhook(values, env, secret),
    metrics: values.metrics ?? truthy(env.RH_METRICS),
    console: values['no-console'] ? false : onOff('RH_CONSOLE', env.RH_CONSOLE),
    logFormat: oneOf('--log-format', values['log-format'] ?? env.RH_LOG_FORMAT ?? 'json', [
      'json',
      'pretty',
    ] as const),
    logLevel: oneOf('--log-level', values['log-level'] ?? env.RH_LOG_LEVEL ?? 'info', logLevels),
  }
}

function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  const value = text.trim().toLowerCase()
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, got "${text}"`)
  }
  return value as T
}

/** Largest `--retries`: beyond this a delivery would outlive any useful receiver. */
const maxRetries = 100
/** Largest `--retry-delay`: the engine caps every delay at an hour anyway. */
const maxRetryDelay = 3_600_000

function parseRetry(
  values: ReturnType<typeof parse>['values'],
  env: Record<string, string | undefined>,
): ServeConfig['retry'] {
  const retry: ServeConfig['retry'] = {}
  const retries = values.retries ?? env.RH_RETRIES
  if (retries !== undefined) {
    retry.retries = integer('--retries', retries, maxRetries)
  }
  const delay = values['retry-delay'] ?? env.RH_RETRY_DELAY
  if (delay !== undefined) {
    retry.initialDelay = integer('--retry-delay', delay, maxRetryDelay)
  }
  const factor = (values['retry-factor'] ?? env.RH_RETRY_FACTOR)?.trim()
  if (factor !== undefined) {
    const value = Number(factor)
    if (!/^\d+(\.\d+)?$/.test(factor) || value < 1 || value > 100) {
      throw new UsageError(`--retry-factor must be a number from 1 to 100, got "${factor}"`)
    }
    retry.factor = value
  }
  return retry
}

const durationUnits = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const
/** Longest `--retention`: ten years, beyond any log worth keeping. */
const maxRetentionMs = 3650 * durationUnits.d

/**
 * A duration like `30d`, `12h`, `90m` or `3600s` (a whole number and one unit), in ms.
 *
 * @example
 * duration('--retention', '30d') // 2_592_000_000
 */
export function duration(flag: string, text: string): number {
  const match = /^(\d+)([smhd])$/.exec(text.trim().toLowerCase())
  const value = match ? Number(match[1]) * durationUnits[match[2] as keyof typeof durationUnits] : 0
  if (!match || value < durationUnits.m || value > maxRetentionMs) {
    throw new UsageError(
      `${flag} must be a duration from 1m to 3650d like 30d, 12h or 90m, got "${text}"`,
    )
  }
  return value
}

function parseOpsWebhook(
  values: ReturnType<typeof parse>['values'],
  env: Record<string, string | undefined>,
  secret: string | null,
): ServeConfig['opsWebhook'] {
  const url = values['ops-webhook'] ?? env.RH_OPS_WEBHOOK
  const opsSecret = values['ops-secret'] ?? env.RH_OPS_SECRET ?? null
  if (url === undefined) {
    if (values['ops-secret'] !== undefined) throw new UsageError('--ops-secret needs --ops-webhook')
    return null
  }
  let parsed: URL | null = null
  try {
    parsed = new URL(url)
  } catch {}
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
    throw new UsageError(`--ops-webhook must be an http(s) URL, got "${url}"`)
  }
  if (opsSecret !== null && !/^whsec_[A-Za-z0-9+/=]+$/.test(opsSecret)) {
    throw new UsageError('--ops-secret must be a whsec_ key')
  }
  if (opsSecret === null && secret === null) {
    throw new UsageError(
      '--ops-webhook needs a key to sign with: --ops-secret (RH_OPS_SECRET) or --secret',
    )
  }
  return { url: parsed.href, secret: opsSecret }
}

function onOff(flag: string, text: string | undefined): boolean {
  if (text === undefined || /^(on|true|1|yes)$/i.test(text.trim())) return true
  if (/^(off|false|0|no)$/i.test(text.trim())) return false
  throw new UsageError(`${flag} must be on or off, got "${text}"`)
}

function integer(flag: string, text: string, max: number): number {
  const digits = text.trim()
  const value = Number(digits)
  if (!/^\d+$/.test(digits) || value > max) {
    throw new UsageError(`${flag} must be an integer from 0 to ${max}, got "${text}"`)
  }
  return value
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      data: { type: 'string' },
      postgres: { type: 'string' },
      'api-key': { type: 'string', multiple: true },
      secret: { type: 'string' },
      'allow-private-targets': { type: 'boolean' },
      'alias-handshake': { type: 'string' },
      'base-path': { type: 'string' },
      retries: { type: 'string' },
      'retry-delay': { type: 'string' },
      'retry-factor': { type: 'string' },
      'retry-schedule': { type: 'string' },
      retention: { type: 'string' },
      'ops-webhook': { type: 'string' },
      'ops-secret': { type: 'string' },
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      metrics: { type: 'boolean' },
      'no-console': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
