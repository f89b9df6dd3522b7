import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createConsole } from '../console/create-console'
import { createResthooks } from '../create-resthooks'
import type { OperationalEvent } from '../delivery/operational-events'
import { retrySchedules } from '../delivery/retry-schedules'
import { ResthooksError } from '../errors'
import { problemResponse } from '../handler/problem-response'
import { toNodeHandler } from '../node/to-node-handler'
import { metricsTelemetry } from '../telemetry/metrics-telemetry'
import { prometheusMetrics } from '../telemetry/prometheus-metrics'
import { apiKeyAuthenticator } from './api-keys'
import { type JsonLogger, jsonLogger } from './json-logger'
import { openStorage } from './open-storage'
import { ensureOpsSubscription, OPS_OWNER } from './ops-webhook'
import { publishHandler } from './publish-handler'
import type { ServeConfig } from './serve-config'

/** A running `rh serve`. */
export interface RunningService {
  /** The base URL it listens on, e.g. `http://127.0.0.1:8080`. */
  url: string
  /** The fetch handler it serves (health, publish, subscription API). */
  fetch(request: Request): Promise<Response>
  /**
   * Stops accepting connections, lets deliveries in flight finish (up to `graceMs`), then
   * closes the engine and the database.
   */
  close(options?: { graceMs?: number }): Promise<void>
}

/**
 * Starts the standalone REST Hooks service: `GET /health`, `POST {base}/events` (publish, API
 * key), and the subscription API under `{base}`, with durable storage, on `node:http`. Logs one
 * JSON line per event: `start` (with whether private targets are allowed), `subscription.created`,
 * `notification.accepted`, `delivery`, `request.refused` (status, problem code, route and owner
 * of each 4xx; never a key or secret), `publish_failed`, `internal_error`, `shutdown`, and each
 * operational event (`delivery.exhausted`, `subscription.failing`, `subscription.disabled`) as a
 * `warn` line named after it. With `opsWebhook`, those are also delivered as signed webhooks
 * (owner {@link OPS_OWNER}; its own failures are only logged, never sent round again).
 * `GET /health` answers `503` while the storage reports a full disk. With `metrics`, `GET /metrics`
 * answers the delivery metrics in the Prometheus text format (no API key, like `/health`). With
 * `console`, `/console/` serves the web console, which signs in with an API key and calls the
 * subscription API under `{base}`.
 *
 * @example
 * const service = await serve(parseServeConfig(['--api-key', 'acme:k'], process.env)!)
 * await service.close()
 */
export async function serve(
  config: ServeConfig,
  options: { log?: JsonLogger } = {},
): Promise<RunningService> {
  const log = options.log ?? jsonLogger()
  const storage = await openStorage(config.storage)
  const ownerOf = apiKeyAuthenticator(config.apiKeys)
  const prometheus = config.metrics ? prometheusMetrics() : null
  const rh = createResthooks({
    authenticate: (request) => ownerOf(request.headers.get('authorization')),
    store: storage.store,
    queue: storage.queue,
    signing: config.secret ? { secret: config.secret } : { perSubscription: 'v1' },
    allowPrivateTargets: config.allowPrivateTargets,
    aliasHandshake: config.aliasHandshake,
    retry:
      config.retrySchedule === 'standard'
        ? retrySchedules.standardWebhooks
        : { ...retrySchedules.goResthooks, ...config.retry },
    ...(config.retention === null ? {} : { retention: { messages: config.retention } }),
    onOperationalEvent: (event) => operational(event),
    onError: (error, request) =>
      log.error('internal_error', {
        method: request.method,
        path: new URL(request.url).pathname,
        error,
      }),
    ...(prometheus ? { telemetry: metricsTelemetry(prometheus, storage) } : {}),
  })
  const publish = publishHandler({
    authenticate: ownerOf,
    onError: (error, request) =>
      log.error('publish_failed', { path: new URL(request.url).pathname, error }),
    notify: async (owner, event, data, notifyOptions) => {
      const receipt = await rh.notify(owner, event, data, notifyOptions)
      log.info('notification.accepted', { owner, event, ...receipt })
      return receipt.message_id
    },
  })
  void (async () => {
    for await (const result of rh.results()) log.info('delivery', { ...result })
  })()
  const ops = config.opsWebhook
  if (ops) await ensureOpsSubscription(rh.store, ops, Date.now())

  /** Logs an operational event, and sends it to the ops webhook unless it is about that one. */
  function operational(event: OperationalEvent) {
    log.warn(event.type, { ...event })
    // The ops subscription's own failures would feed themselves: they stay in the log.
    if (!ops || event.owner === OPS_OWNER) return
    rh.notify(OPS_OWNER, event.type, event).catch((error: unknown) =>
      log.error('ops_webhook_failed', { event: event.type, error }),
    )
  }

  const base = config.basePath
  const webConsole = config.console ? createConsole(rh, { apiBase: `${base}/` }) : null
  async function fetch(request: Request): Promise<Response> {
    const response = await route(request)
    if (response.status >= 400 && response.status < 500) await logRefused(request, response)
    return response
  }

  /** One line per refused request: its status, problem code, route and owner, never a key. */
  async function logRefused(request: Request, response: Response) {
    let code: unknown
    if (response.headers.get('content-type') === 'application/problem+json') {
      code = ((await response.clone().json()) as { code?: unknown }).code
    }
    log.warn('request.refused', {
      status: response.status,
      code,
      method: request.method,
      route: new URL(request.url).pathname,
      owner: ownerOf(request.headers.get('authorization')),
    })
  }

  async function route(request: Request): Promise<Response> {
    const { pathname } = new URL(request.url)
    if (prometheus && pathname === '/metrics') return prometheus.fetch(request)
    if (webConsole && (pathname === '/console' || pathname.startsWith('/console/'))) {
      return webConsole.fetch(request)
    }
    if (pathname === '/health') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET')
      const health = storage.health?.() ?? { status: 'ok' }
      if (health.status === 'ok') return Response.json({ status: 'ok' })
      return Response.json(
        {
          status: 'unavailable',
          storage: health.status,
          detail: 'the database disk is full: free space; rh resumes by itself',
        },
        { status: 503, headers: { 'retry-after': '5' } },
      )
    }
    if (pathname === `${base}/events`) {
      if (request.method !== 'POST') return notAllowed('POST')
      return publish(request)
    }
    if (base !== '' && !pathname.startsWith(`${base}/`)) {
      return problemResponse(new ResthooksError('not_found', `no route ${pathname}`))
    }
    const response = await rh.fetch(request)
    if (request.method === 'POST' && response.status === 201) {
      const { id, events, target_url } = (await response.clone().json()) as Record<string, unknown>
      const owner = ownerOf(request.headers.get('authorization'))
      log.info('subscription.created', { owner, id, events, target_url })
    }
    return response
  }

  const server = createServer(toNodeHandler({ fetch }))
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.port, config.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const host = config.host.includes(':') ? `[${config.host}]` : config.host
  const url = `http://${host}:${port}`
  log.info('start', {
    url,
    storage: config.storage.kind,
    owners: [...new Set(config.apiKeys.map((key) => key.owner))].length,
    signing: config.secret ? 'global' : 'per-subscription',
    retrySchedule: config.retrySchedule,
    opsWebhook: ops ? new URL(ops.url).origin : null,
    // Said at start: a production service that allows them delivers into its own network.
    privateTargets: config.allowPrivateTargets ? 'allowed' : 'refused',
  })

  let closing: Promise<void> | null = null
  return {
    url,
    fetch,
    close({ graceMs = 10_000 } = {}) {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => server.close(() => resolve()))
        server.closeIdleConnections()
        await rh.close({ graceMs })
        await storage.close()
        server.closeAllConnections()
        await stopped
        log.info('shutdown')
      })()
      return closing
    },
  }
}

function notAllowed(allow: string) {
  return problemResponse(new ResthooksError('method_not_allowed', `use ${allow}`), { allow })
}
