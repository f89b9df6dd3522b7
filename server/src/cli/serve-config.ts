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
  /** `json`: one JSON object per line (log shippers); `pretty`: one readable line per event. */
  logFormat: LogFormat
  /** The least severe level written. */
  logLevel: LogLevel
}

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
  --log-format <json|pretty> RH_LOG_FORMAT            log lines as JSON (default) or readable text
  --log-level <level>        RH_LOG_LEVEL             debug, info (default), warn or error
  -v, --version                                       print the version
  -h, --help                                          show this help

Publishing: POST {base}/events
  Authorization: Bearer <key>   a key given to --api-key / RH_API_KEYS
  Content-Type: application/json
  Body: {"event": "invoice.paid", "data": {...}, "owner": "acme"}
        owner is optional: it defaults to the key's owner, and a key publishes only for its own.
  202 {"message_id": "msg_..."} once the event is stored; every active subscription of the owner
  to the event is then delivered (signed, retried). 401 bad key, 413 over 64 KiB, 422 bad event,
  503 with Retry-After when the database cannot take it (send it again).

The subscription API (same Authorization): POST/GET {base}/subscriptions,
GET/PATCH/DELETE {base}/subscriptions/{id}, GET {base}/subscriptions/{id}/attempts.
GET /health: 200 {"status":"ok"}, or 503 when the database is unusable (a full disk).

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
      'log-format': { type: 'string' },
      'log-level': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  })
}
