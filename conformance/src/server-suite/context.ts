import { ProblemSchema } from '@rh/protocol'
import * as v from 'valibot'
import { check, fail, show } from '../assert'
import { describeResult, type HttpResult } from '../http'
import type { Receiver, ReceiverPool } from '../receivers'
import type { CaseScope, SuiteCase } from '../runner'
import type { Profile, ServerApi, SubscribeBody } from '../server-api'
import type { Trigger } from '../trigger'

/** Everything a server case works with; built once per run by `runServerSuite`. */
export interface ServerContext {
  /** The API as the first owner (`--auth`). */
  api: ServerApi
  /** The API as a second owner (`--auth2`), when given. */
  api2: ServerApi | undefined
  /** An instance that refuses private targets (`--strict-url`), when given. */
  strictApi: ServerApi | undefined
  /** The first owner's `authorization` value, when given. */
  auth: string | undefined
  receivers: ReceiverPool
  trigger: Trigger
  profile: Profile
  /** Passed to the trigger as `owner`. */
  owner: string | undefined
  /** The signing secret when the server does not return one per subscription. */
  secret: string | undefined
  /** The delays before each retry, in ms. */
  retrySchedule: readonly number[]
  /** How long anything may take on top of the retry delays, in ms. */
  timeoutMs: number
  /** How long to wait to be sure something does not arrive, in ms. */
  settleMs: number
  /** The server's threshold of consecutive failed deliveries before it disables, when known. */
  disableAfter: number | undefined
  /** How far a timestamp may be from this machine's clock, in ms. */
  clockSkewMs: number
  /** A fresh event name, unique to this run. */
  event(): string
  /** Memo of probes shared by cases (whether the main URL accepts private targets). */
  memo: Map<string, Promise<unknown>>
}

/** A server-suite case. */
export type ServerCase = SuiteCase<ServerContext>

/** A subscription a case made: its id and the secret its deliveries are signed with. */
export interface Subscribed {
  id: string
  secret: string | undefined
  result: HttpResult
}

const is2xx = (status: number) => status >= 200 && status <= 299

/**
 * Subscribes `receiver` to `events` and unsubscribes it after the case. Fails the case unless
 * the server answers 2xx with an `id`.
 */
export async function subscribe(
  context: ServerContext,
  scope: CaseScope,
  receiver: Receiver | string,
  events: string[],
  options: { api?: ServerApi; body?: Partial<SubscribeBody> } = {},
): Promise<Subscribed> {
  const api = options.api ?? context.api
  const target = typeof receiver === 'string' ? receiver : receiver.url
  const result = await api.subscribe({ target_url: target, events, ...options.body })
  const id = idOf(result)
  if (id !== undefined) scope.defer(() => api.unsubscribe(id))
  check(
    is2xx(result.status) && id !== undefined,
    `subscribing ${target} to ${events.join(', ')} failed`,
    '2xx with the subscription and its id',
    describeResult(result),
  )
  const returned = (result.json as { secret?: unknown }).secret
  const secret = typeof returned === 'string' ? returned : (options.body?.secret ?? context.secret)
  return { id, secret, result }
}

/** The `id` of a subscription response, if any. */
export function idOf(result: HttpResult): string | undefined {
  const id = (result.json as { id?: unknown } | undefined)?.id
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined
}

/** Makes the server emit `event` with `data`, as the configured owner. */
export function notify(context: ServerContext, event: string, data: unknown): Promise<void> {
  return context.trigger({ ...(context.owner ? { owner: context.owner } : {}), event, data })
}

/** How long to wait for a delivery that comes after `retries` retries. */
export function deliveryWait(context: ServerContext, retries = 0): number {
  const delays = context.retrySchedule.slice(0, retries).reduce((sum, delay) => sum + delay, 0)
  return context.timeoutMs + Math.ceil(delays * 1.5)
}

/** Resolves after `ms`; only to let something that must not happen have the time to. */
export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/**
 * Checks that `receiver` got exactly `count` deliveries once `control` (subscribed to the same
 * notification) got its own, plus the settle time.
 */
export async function expectNoMoreDeliveries(
  context: ServerContext,
  receiver: Receiver,
  count: number,
  control: Receiver,
  controlCount: number,
  message: string,
): Promise<void> {
  await control.waitForDeliveries(controlCount, deliveryWait(context))
  await pause(context.settleMs)
  check(
    receiver.deliveries.length === count,
    message,
    `${count} deliveries`,
    `${receiver.deliveries.length}: ${show(receiver.deliveries.map((d) => d.body))}`,
  )
}

/**
 * Checks that `receiver` got exactly `count` deliveries, without relying on fan-out: a control
 * receiver subscribed to an event of its own is notified after whatever the case notified, and
 * once its delivery arrived (plus the settle time) `receiver` must have no more than `count`.
 */
export async function expectNothingMore(
  context: ServerContext,
  scope: CaseScope,
  receiver: Receiver,
  count: number,
  message: string,
): Promise<void> {
  const control = context.receivers.create()
  const event = context.event()
  await subscribe(context, scope, control, [event])
  await notify(context, event, { control: true })
  await expectNoMoreDeliveries(context, receiver, count, control, 1, message)
}

/** Polls `probe` until it returns `true` or `timeoutMs` passed; returns the last answer. */
export async function eventually(probe: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await probe()) return true
    if (Date.now() >= deadline) return false
    await pause(50)
  }
}

/**
 * Checks an error answer: the status, and for the rh profile an RFC 9457
 * `application/problem+json` body with the problem `code`.
 */
export function expectProblem(
  context: ServerContext,
  result: HttpResult,
  status: number,
  code: string | undefined,
  what: string,
): void {
  // Other profiles are held to the status alone: say so in what is expected.
  const expected =
    context.profile === 'rh'
      ? `${status}${code ? ` problem+json with code ${code}` : ''}`
      : `${status}`
  check(result.status === status, what, expected, describeResult(result))
  if (context.profile !== 'rh') return
  const type = result.headers.get('content-type') ?? ''
  check(
    type.startsWith('application/problem+json'),
    `${what}: the body is not application/problem+json`,
    'content-type: application/problem+json',
    `content-type: ${type}`,
  )
  const problem = v.safeParse(ProblemSchema, result.json)
  if (!problem.success) fail(`${what}: the body is not an RFC 9457 problem`, expected, result.text)
  check(
    problem.output.status === status && (!code || problem.output.code === code),
    `${what}: wrong problem`,
    expected,
    describeResult(result),
  )
}

/** Checks a status is one of `statuses`. */
export function expectStatus(result: HttpResult, statuses: number[], what: string): void {
  check(statuses.includes(result.status), what, statuses.join(' or '), describeResult(result))
}

/** Structural equality of JSON values. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const keysA = Object.keys(a)
  const keysB = Object.keys(b)
  if (keysA.length !== keysB.length) return false
  return keysA.every((key) =>
    jsonEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]),
  )
}
