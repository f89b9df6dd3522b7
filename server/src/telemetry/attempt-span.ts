import type { Dispatch } from '../delivery/flight'
import type { AttemptOutcome } from '../delivery/send-attempt'
import type { DeliveryResult } from '../delivery/types'
import {
  type Attributes,
  SPAN_KIND_CLIENT,
  SPAN_STATUS_ERROR,
  type SpanContextLike,
  type TracerLike,
} from './otel-types'

/**
 * Records one delivery attempt as a finished client span, after the fact (its start and end are
 * the attempt's): nothing runs while the request is on the wire. Attributes follow the
 * OpenTelemetry HTTP client conventions (`http.request.method`, `url.full` without credentials or
 * query values, `server.address`, `server.port`, `http.response.status_code`, `error.type`,
 * `http.request.resend_count` on a retry) plus `rh.message_id`, `rh.subscription_id`,
 * `rh.delivery_id`, `rh.event`, `rh.attempt` (1 for the first) and `rh.outcome`. The span links
 * to its `notify` span when this process still remembers it (`notifySpan`).
 *
 * @example
 * recordAttemptSpan(tracer, dispatch, outcome, result, notifySpans.get(dispatch.job.message_id))
 */
export function recordAttemptSpan(
  tracer: TracerLike,
  dispatch: Dispatch,
  outcome: AttemptOutcome,
  result: DeliveryResult | null,
  notifySpan: SpanContextLike | undefined,
): void {
  const { job, subscription } = dispatch
  const attempt = job.attempt + 1
  const target = describeTarget(subscription.target_url)
  const errorType = attemptErrorType(dispatch, outcome)
  const attributes: Attributes = {
    'http.request.method': 'POST',
    'url.full': target.url,
    'server.address': target.address,
    'server.port': target.port,
    'rh.message_id': job.message_id,
    'rh.subscription_id': subscription.id,
    'rh.delivery_id': job.id,
    'rh.event': job.event,
    'rh.attempt': attempt,
  }
  if (attempt > 1) attributes['http.request.resend_count'] = attempt - 1
  if (outcome.status !== null) attributes['http.response.status_code'] = outcome.status
  if (errorType !== undefined) attributes['error.type'] = errorType
  if (result) attributes['rh.outcome'] = result.outcome
  const span = tracer.startSpan('POST', {
    kind: SPAN_KIND_CLIENT,
    startTime: outcome.startedAt,
    attributes,
    ...(notifySpan ? { links: [{ context: notifySpan }] } : {}),
  })
  if (errorType !== undefined) {
    const { verdict } = outcome
    const message = verdict.kind === 'failed' && verdict.error ? verdict.error : errorType
    span.setStatus({ code: SPAN_STATUS_ERROR, message })
  }
  span.end(outcome.endedAt)
}

/**
 * `error.type` of an attempt, low-cardinality as the conventions ask: the status code of a
 * non-2xx answer, else what went wrong (`timeout`, `connection_refused`, `target_refused`, ...),
 * else `_OTHER`; `undefined` when it was delivered.
 */
export function attemptErrorType(dispatch: Dispatch, outcome: AttemptOutcome): string | undefined {
  if (outcome.verdict.kind === 'delivered') return undefined
  if (outcome.status !== null) return String(outcome.status)
  if (dispatch.target.refusal) return 'target_refused'
  const error = outcome.verdict.kind === 'failed' ? outcome.verdict.error : null
  return error && knownErrors.has(error) ? error.replaceAll(' ', '_') : '_OTHER'
}

/** The fixed descriptions `describeNetworkError` gives (anything else is `_OTHER`). */
const knownErrors = new Set([
  'timeout',
  'connection refused',
  'connection reset',
  'host not found',
  'host unreachable',
  'network unreachable',
  'network error',
])

/**
 * The target as span attributes. `url.full` drops credentials and keeps query names but not
 * their values: a receiver's URL often carries its only secret there.
 */
function describeTarget(targetUrl: string): Target {
  let target = targets.get(targetUrl)
  if (target) return target
  target = parseTarget(targetUrl)
  // Most deliveries go to a few targets: parsed once each, not once per attempt.
  if (targets.size >= 1000) targets.clear()
  targets.set(targetUrl, target)
  return target
}

interface Target {
  url: string
  address: string
  port: number
}
const targets = new Map<string, Target>()

function parseTarget(targetUrl: string): Target {
  try {
    const url = new URL(targetUrl)
    const port = url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port)
    if (url.username !== '' || url.password !== '') {
      url.username = 'REDACTED'
      url.password = 'REDACTED'
    }
    if (url.search !== '') {
      const names = [...url.searchParams.keys()]
      url.search = names.map((name) => `${encodeURIComponent(name)}=REDACTED`).join('&')
    }
    return { url: url.href, address: url.hostname.replace(/^\[|\]$/g, ''), port }
  } catch {
    return { url: 'REDACTED', address: '', port: 0 }
  }
}
