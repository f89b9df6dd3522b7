import { check, show, skip } from '../assert'
import { describeResult, type HttpResult } from '../http'
import { eventually, type ServerContext } from './context'

/** A message as the message log routes return it. */
export interface WireMessage {
  id: string
  event: string
  created_at: string
  payload: unknown
  deliveries?: { subscription_id: string; status: string; attempts: number }[]
}

/**
 * Skips the running case when the server has no recovery routes: the go-resthooks profile has
 * none, and an rh-shaped server without a message log answers `GET {base}/messages` with 404 or
 * 405 (asked once per run).
 */
export async function requireRecovery(context: ServerContext): Promise<void> {
  if (context.profile !== 'rh') {
    skip(`the ${context.profile} profile has no message log, replay or secret rotation routes`)
  }
  let probe = context.memo.get('recovery') as Promise<HttpResult> | undefined
  if (!probe) {
    probe = context.api.send('GET', '/messages?limit=1')
    context.memo.set('recovery', probe)
  }
  const result = await probe
  if (result.status === 404 || result.status === 405) {
    skip(
      `the server has no message log: GET ${context.api.baseUrl}/messages answered ${result.status}`,
    )
  }
}

/** `/messages/{id}` and friends, the id encoded. */
export const messagePath = (id: string, rest = '') => `/messages/${encodeURIComponent(id)}${rest}`

/** `/subscriptions/{id}/…`, the id encoded. */
export const subscriptionPath = (id: string, rest: string) =>
  `/subscriptions/${encodeURIComponent(id)}${rest}`

/** The `data` of a page answer, or an empty list. */
export function pageData(result: HttpResult): WireMessage[] {
  const data = (result.json as { data?: unknown } | undefined)?.data
  return Array.isArray(data) ? (data as WireMessage[]) : []
}

/** An ISO-8601 time far enough before now that the server's clock is past it too. */
export const isoBefore = (context: ServerContext, at = Date.now()) =>
  new Date(at - context.clockSkewMs).toISOString()

/**
 * Polls `GET {base}/messages/{id}` until the delivery to `subscriptionId` has `status`, within
 * `timeoutMs`; fails the case with the last answer otherwise.
 */
export async function expectDeliveryStatus(
  context: ServerContext,
  messageId: string,
  subscriptionId: string,
  status: string,
  timeoutMs: number,
): Promise<void> {
  let last: HttpResult | undefined
  const reached = await eventually(async () => {
    last = await context.api.send('GET', messagePath(messageId))
    const deliveries = (last.json as WireMessage | undefined)?.deliveries
    return (
      last.status === 200 &&
      Array.isArray(deliveries) &&
      deliveries.some((d) => d.subscription_id === subscriptionId && d.status === status)
    )
  }, timeoutMs)
  check(
    reached,
    `the message log does not show the delivery to ${subscriptionId} as ${status}`,
    `GET /messages/${messageId}: 200 with deliveries[] holding { subscription_id: ${subscriptionId}, status: ${status} }`,
    last ? describeResult(last) : '(no answer)',
  )
}

/** Fails unless `result` is 202 and its `field` is `count` (or, `atLeast`, no less). */
export function expectQueued(
  result: HttpResult,
  field: string,
  count: number,
  what: string,
  { atLeast = false } = {},
) {
  const value = (result.json as Record<string, unknown> | undefined)?.[field]
  const counted = typeof value === 'number' && (atLeast ? value >= count : value === count)
  check(
    result.status === 202 && counted,
    what,
    `202 { ${field}: ${atLeast ? `${count} or more` : count} }`,
    describeResult(result),
  )
}

/** The `webhook-id`s of `deliveries`, for a report. */
export const idsOf = (deliveries: readonly { headers: Record<string, string> }[]) =>
  show(deliveries.map((d) => d.headers['webhook-id']))
