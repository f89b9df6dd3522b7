import type { Resolve } from '../../ssrf/guard-target'
import { guardedLookup } from '../../ssrf/guarded-lookup'
import type { JudgedTarget } from '../../ssrf/judge-target'
import {
  type AbortHook,
  type BodyRead,
  decode,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  takeChunk,
} from '../transport'
import { judgedTransport } from './judged-transport'

/** Options of {@link undiciTransport}. */
export interface UndiciTransportOptions {
  /** Skip the address check (local development, tests). Default false. */
  allowPrivateTargets?: boolean
  /** DNS used when connecting; default `node:dns` `lookup`. */
  resolve?: Resolve | undefined
  /** Keep-alive connections per origin. Default 8. */
  connections?: number
}

/**
 * A {@link Transport} on undici's `request` with a keep-alive `Agent`: the default and fast path
 * on Node. Redirects are never followed (undici does not follow them without an interceptor).
 *
 * SSRF guarantee: the Agent connects through a `lookup` that checks every address a hostname
 * resolves to, at connection time, and IP-literal URLs are checked before connecting. The
 * address checked is the address connected to, so DNS rebinding cannot slip through.
 *
 * @example
 * const transport = undiciTransport({ connections: 16 })
 * await transport.close?.()
 */
export function undiciTransport(options: UndiciTransportOptions = {}): Transport {
  const lookup = guardedLookup(options)

  // Loaded once; afterwards an attempt starts without awaiting the module or the agent.
  let loaded: Loaded | undefined
  let loading: Promise<Loaded> | undefined
  const load = () => {
    loading ??= import('undici').then((undici) => {
      const agent = new undici.Agent({
        connections: options.connections ?? 8,
        keepAliveTimeout: 4000,
        pipelining: 1,
        connect: { lookup },
      })
      loaded = { agent, parseHeaders: undici.util.parseHeaders }
      return loaded
    })
    return loading
  }
  // undici's `request(url, ...)` parses the URL, builds its origin string and copies the options
  // on every call; the agent takes the origin and path, worked out once per judged target.
  const origins = new WeakMap<JudgedTarget, { origin: string; path: string }>()
  const originOf = (target: JudgedTarget) => {
    const url = target.url as URL
    const origin = { origin: url.origin, path: `${url.pathname}${url.search}` }
    origins.set(target, origin)
    return origin
  }

  return judgedTransport(
    (request, target) => {
      const to = origins.get(target) ?? originOf(target)
      return loaded ? send(loaded, to, request) : load().then((ready) => send(ready, to, request))
    },
    {
      allowPrivateTargets: options.allowPrivateTargets,
      async close() {
        const ready = loading ? await loading.catch(() => undefined) : undefined
        await ready?.agent.close()
      },
    },
  )
}

interface Loaded {
  agent: import('undici').Agent
  parseHeaders: typeof import('undici').util.parseHeaders
}

/**
 * One exchange on the agent's `dispatch`, with {@link Exchange} as its handler: the whole
 * exchange is one promise, where undici's `request` adds a handler with an async scope, a
 * `Readable` for the body (several `nextTick`s per response) and a promise more.
 */
function send(
  loaded: Loaded,
  to: { origin: string; path: string },
  request: TransportRequest,
): Promise<TransportResponse> {
  // The engine's hook when there is one: no signal, nor listener on it, per attempt.
  const hook = request.abortHook
  const signal = hook ? null : request.signal
  if (hook ? hook.aborted : signal?.aborted)
    return Promise.reject(hook ? hook.reason : signal?.reason)
  return new Promise((resolve, reject) => {
    const exchange = new Exchange(resolve, reject, hook ?? signal, request.maxResponseBytes, loaded)
    if (hook) hook.listener = exchange
    else signal?.addEventListener('abort', exchange)
    loaded.agent.dispatch(
      {
        origin: to.origin,
        path: to.path,
        method: 'POST',
        headers: request.headers,
        body: request.body,
      },
      exchange,
    )
  })
}

/** Why an exchange stops reading: its body reached `maxResponseBytes`. */
const TRUNCATED = new Error('response body longer than maxResponseBytes: not read further')

/**
 * The handler of one exchange (undici's dispatch handler, and the signal's `abort` listener).
 * It settles once: with the response at its end (or once `limit` bytes are read, then stops the
 * exchange), or with the error, or with the signal's reason, which stays attached until then
 * (the deadline covers the body). An abort before undici has a socket for it rejects at once;
 * undici then drops it when it gets to it (`onConnect`).
 */
class Exchange implements BodyRead {
  private stop: ((reason?: Error) => void) | null = null
  private reason: Error | null = null
  private done = false
  private status = 0
  private headers: Record<string, string> = {}
  // The body read so far (the exchange is its own BodyRead: no object more per attempt).
  readonly chunks: Uint8Array[] = []
  bytesRead = 0
  truncated = false

  constructor(
    private readonly resolve: (response: TransportResponse) => void,
    private readonly reject: (error: unknown) => void,
    /** What aborts it: the engine's hook, or else the request's signal. */
    private readonly abortedBy: AbortHook | AbortSignal | null,
    private readonly limit: number,
    private readonly loaded: Loaded,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    if (this.done) abort(this.reason ?? TRUNCATED)
    else this.stop = abort
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    if (status < 200) return true // informational (100 Continue, 103): the final one follows
    this.status = status
    const parsed = this.loaded.parseHeaders(rawHeaders) as Record<string, string | string[]>
    for (const name in parsed) {
      const value = parsed[name]
      if (typeof value !== 'string') parsed[name] = (value as string[]).join(', ')
    }
    this.headers = parsed as Record<string, string>
    return true
  }

  onData(chunk: Uint8Array): boolean {
    if (this.done || !takeChunk(this, chunk, this.limit)) return true
    this.finish()
    this.stop?.(TRUNCATED)
    return false
  }

  onComplete(): void {
    if (!this.done) this.finish()
  }

  onError(error: unknown): void {
    if (this.done) return
    this.done = true
    this.detach()
    this.reject(error)
  }

  /** The hook fired: the deadline passed, or the engine is closing. */
  onAbort(reason: unknown): void {
    if (this.done) return
    this.done = true
    this.reason = reason as Error
    this.reject(reason)
    this.stop?.(this.reason)
  }

  /** The signal fired (when there is no hook). */
  handleEvent(): void {
    this.onAbort((this.abortedBy as AbortSignal).reason)
  }

  /** Stops listening for an abort: the exchange has settled. */
  private detach() {
    const by = this.abortedBy
    if (by === null) return
    if ('listener' in by) {
      if (by.listener === this) by.listener = null
    } else by.removeEventListener('abort', this)
  }

  private finish() {
    this.done = true
    this.detach()
    this.resolve({
      status: this.status,
      headers: this.headers,
      bodyText: decode(this.chunks, this.bytesRead),
      bytesRead: this.bytesRead,
      truncated: this.truncated,
    })
  }
}
