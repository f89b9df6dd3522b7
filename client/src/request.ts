import { type Problem, ProblemSchema } from '@rh/protocol'
import { createFetch, FetchError } from 'ofetch'
import * as v from 'valibot'
import { RhClientError } from './client-error'
import { describeIssues } from './describe-issues'

// `HeadersInit` is a DOM-lib name; `RequestInit` is global in @types/node too, so a Node project
// without the DOM lib can compile against our declarations.
type HeadersInit = NonNullable<RequestInit['headers']>

/** Transport options of {@link createClient}: where the server is and how each call is made. */
export interface RequestOptions {
  /** The mount prefix of the server's routes: `https://api.example.com/hooks`. */
  baseUrl: string
  /** Sent with every call; a function is called per call (for short-lived tokens). */
  headers?: HeadersInit | (() => HeadersInit | Promise<HeadersInit>) | undefined
  /** The fetch to call; `globalThis.fetch` by default. */
  fetch?: typeof globalThis.fetch | undefined
  /** Milliseconds to wait for each response; 10 000 by default. */
  timeout?: number | undefined
  /**
   * How many times a `GET` or `DELETE` is repeated after a network failure, a timeout or a
   * 502/503/504; 2 by default. `POST` and `PATCH` are never repeated.
   */
  retry?: number | undefined
  /** Milliseconds before retry `n` (0-based); 250 · 2ⁿ by default. */
  retryDelay?: number | ((retry: number) => number) | undefined
}

/** One call: the method fixes whether it may be retried. */
export interface Call<TSchema extends v.GenericSchema | undefined> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  path: string
  query?: Record<string, string | number | undefined> | undefined
  body?: unknown
  /** The schema the 2xx body must match; `undefined` when no body is expected (204). */
  schema: TSchema
  signal?: AbortSignal | undefined
}

// Only calls that are safe to repeat are retried: a retried POST could subscribe twice.
const idempotentMethods = new Set(['GET', 'DELETE'])
// Statuses of a proxy or an overloaded server, where the request most likely did nothing.
const retryStatusCodes = new Set([
  502, // Bad Gateway
  503, // Service Unavailable
  504, // Gateway Timeout
])

const defaultRetryDelay = (retry: number) => 250 * 2 ** retry

/**
 * The transport of the client: ofetch for URL joining, query strings, JSON bodies and
 * timeouts; retries, response parsing and errors here, so every failure is an RhClientError.
 */
export function createRequester(options: RequestOptions) {
  const $fetch = createFetch({ fetch: options.fetch ?? ((...args) => globalThis.fetch(...args)) })
  const timeout = options.timeout ?? 10_000
  const retries = options.retry ?? 2
  const retryDelay = options.retryDelay ?? defaultRetryDelay

  /** The URL a call goes to, for error messages (as ofetch joins `baseURL` and the path). */
  const urlOf = (path: string) =>
    `${options.baseUrl.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`

  async function once(call: Call<v.GenericSchema | undefined>, headers: Headers) {
    // One deadline per attempt, covering the body too, and the caller's signal, both at once.
    const controller = new AbortController()
    const timer = setTimeout(() => controller.abort(timeoutError()), timeout)
    const abort = () => controller.abort(call.signal?.reason)
    if (call.signal?.aborted) abort()
    call.signal?.addEventListener('abort', abort, { once: true })
    try {
      const response = await $fetch.raw<string, 'text'>(call.path, {
        baseURL: options.baseUrl,
        method: call.method,
        headers,
        ...(call.query ? { query: definedEntries(call.query) } : {}),
        ...(call.body === undefined ? {} : { body: call.body as Record<string, unknown> }),
        signal: controller.signal,
        retry: false,
        responseType: 'text',
        ignoreResponseError: true,
      })
      return {
        status: response.status,
        type: response.headers.get('content-type'),
        text: response._data ?? '',
      }
    } finally {
      clearTimeout(timer)
      call.signal?.removeEventListener('abort', abort)
    }
  }

  return async function request<TSchema extends v.GenericSchema | undefined>(
    call: Call<TSchema>,
  ): Promise<TSchema extends v.GenericSchema ? v.InferOutput<TSchema> : undefined> {
    const headers = new Headers(
      typeof options.headers === 'function' ? await options.headers() : options.headers,
    )
    if (!headers.has('accept')) headers.set('accept', 'application/json, application/problem+json')
    const attempts = idempotentMethods.has(call.method) ? retries + 1 : 1
    for (let attempt = 1; ; attempt++) {
      let error: RhClientError
      try {
        const response = await once(call, headers)
        if (response.status < 400) return parseSuccess(call, response) as never
        error = errorFromResponse(response)
        if (!retryStatusCodes.has(response.status)) throw error
      } catch (cause) {
        if (cause instanceof RhClientError) throw cause
        error = errorFromFailure(cause, timeout, call.signal, `${call.method} ${urlOf(call.path)}`)
        if (error.code === 'aborted') throw error
      }
      if (attempt >= attempts) throw error
      const delay = typeof retryDelay === 'function' ? retryDelay(attempt - 1) : retryDelay
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay))
    }
  }
}

function timeoutError(): Error {
  const error = new Error('The operation was aborted due to timeout')
  error.name = 'TimeoutError'
  return error
}

interface RawResponse {
  status: number
  type: string | null
  text: string
}

function parseSuccess(call: Call<v.GenericSchema | undefined>, response: RawResponse) {
  if (call.schema === undefined) return undefined
  let json: unknown
  try {
    json = JSON.parse(response.text)
  } catch (cause) {
    throw new RhClientError(
      'invalid_response',
      `${call.method} ${call.path} answered ${response.status} with a body that is not JSON: ${snippet(response.text)}`,
      { status: response.status, cause },
    )
  }
  const result = v.safeParse(call.schema, json)
  if (result.success) return result.output
  const issues = describeIssues(result.issues)
  throw new RhClientError(
    'invalid_response',
    `${call.method} ${call.path} answered ${response.status} with an unexpected body (${issues})`,
    { status: response.status, cause: new v.ValiError(result.issues) },
  )
}

function errorFromResponse(response: RawResponse): RhClientError {
  const problem = parseProblem(response.text)
  if (problem) {
    return new RhClientError(problem.code, problem.detail ?? problem.title, {
      status: response.status,
      problem,
    })
  }
  const body = response.text.trim() === '' ? 'an empty body' : snippet(response.text)
  return new RhClientError(
    'http_error',
    `the server answered ${response.status} with ${response.type ?? 'no content-type'}: ${body}`,
    { status: response.status },
  )
}

function parseProblem(text: string): Problem | undefined {
  try {
    const result = v.safeParse(ProblemSchema, JSON.parse(text))
    return result.success ? result.output : undefined
  } catch {
    return undefined
  }
}

function errorFromFailure(
  cause: unknown,
  timeout: number,
  signal: AbortSignal | undefined,
  request: string,
): RhClientError {
  const underlying = cause instanceof FetchError && cause.cause !== undefined ? cause.cause : cause
  if (signal?.aborted) {
    return new RhClientError('aborted', 'the request was aborted', { cause: signal.reason })
  }
  if (underlying instanceof Error && underlying.name === 'TimeoutError') {
    return new RhClientError('timeout', `no response within ${timeout} ms`, { cause: underlying })
  }
  // "fetch failed" says nothing: the innermost cause says what (connect ECONNREFUSED ...).
  const messages: string[] = []
  let code: string | undefined
  for (let current = underlying, depth = 0; current && depth < 5; depth++) {
    const {
      message,
      code: own,
      cause,
    } = current as { message?: unknown; code?: unknown; cause?: unknown }
    if (typeof message === 'string' && message !== '') messages.push(message)
    if (code === undefined && typeof own === 'string') code = own
    current = cause
  }
  const why = messages.at(-1) ?? String(underlying)
  const codeText = code && !why.includes(code) ? ` (${code})` : ''
  return new RhClientError('network_error', `${request} failed: ${why}${codeText}`, {
    cause: underlying,
  })
}

/** The start of a body for an error message: tags and whitespace collapsed, 200 characters. */
function snippet(text: string): string {
  const flat = text
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
  return JSON.stringify(flat.length > 200 ? `${flat.slice(0, 200)}…` : flat)
}

function definedEntries(query: Record<string, string | number | undefined>) {
  return Object.fromEntries(Object.entries(query).filter(([, value]) => value !== undefined))
}
