import type { JudgedTarget } from '../ssrf/judge-target'

/** One POST a transport makes. */
export interface TransportRequest {
  url: string
  /** Lower-case header names. */
  headers: Record<string, string>
  body: string
  /**
   * Aborts the whole exchange: connecting, waiting for headers AND reading the body. The engine
   * fires it at the attempt's deadline.
   */
  signal: AbortSignal
  /** Read at most this many bytes of the response body, then stop reading. */
  maxResponseBytes: number
  /**
   * The same abort as `signal`, without an `AbortSignal`: the engine offers it to every
   * transport, and its own transports use it (an `AbortController` and a listener per attempt
   * are a measurable share of a delivery's CPU). A transport may ignore it and use `signal`.
   */
  abortHook?: AbortHook
  /**
   * `url` as the engine judged it (parsed, host, IP literal, refusal), so the transport neither
   * parses nor checks it again; without it, the transport judges `url` itself. Either way the
   * transport still checks, at connect time, the address a hostname resolves to.
   */
  target?: JudgedTarget
}

/**
 * An attempt's abort, for a transport that listens without `signal`: when the attempt is
 * aborted (its deadline, or the engine closing), `aborted` becomes true, `reason` is the error
 * `signal` gives, and `listener` (if a transport set one) is called once. A transport clears
 * `listener` once its exchange has settled.
 */
export interface AbortHook {
  readonly aborted: boolean
  readonly reason: unknown
  listener: AbortListener | null
}

/** What an {@link AbortHook} calls. */
export interface AbortListener {
  onAbort(reason: unknown): void
}

/** What came back. Redirects are never followed: a 3xx is returned as is. */
export interface TransportResponse {
  status: number
  /** Lower-case header names. */
  headers: Record<string, string>
  /** The body decoded as UTF-8, at most `maxResponseBytes` of it. */
  bodyText: string
  /** Bytes of the body read (at most `maxResponseBytes`). */
  bytesRead: number
  /** The body was longer than `maxResponseBytes` and was cut. */
  truncated: boolean
}

/**
 * Sends a delivery. Rejects on network errors and when `signal` aborts; must never follow a
 * redirect nor buffer more than `maxResponseBytes` of the body. Inject your own in
 * `createDeliveryEngine({ transport })`; the default is {@link createTransport}.
 *
 * @example
 * const logging: Transport = async (request) => {
 *   console.log('POST', request.url)
 *   return fetchTransport()(request)
 * }
 */
export type Transport = ((request: TransportRequest) => Promise<TransportResponse>) & {
  /** Releases pooled connections. */
  close?: () => Promise<void>
}

/**
 * Reads a web stream up to `limit` bytes, then cancels it.
 *
 * @example
 * const { text, bytesRead, truncated } = await readCapped(response.body, 65536)
 */
export async function readCapped(
  stream: ReadableStream<Uint8Array> | null,
  limit: number,
): Promise<{ text: string; bytesRead: number; truncated: boolean }> {
  if (!stream) return { text: '', bytesRead: 0, truncated: false }
  const reader = stream.getReader()
  const read: BodyRead = { chunks: [], bytesRead: 0, truncated: false }
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done || takeChunk(read, value, limit)) break
    }
  } finally {
    if (read.truncated) reader.cancel().catch(() => {})
    reader.releaseLock()
  }
  const { chunks, bytesRead, truncated } = read
  return { text: decode(chunks, bytesRead), bytesRead, truncated }
}

/** A response body read so far: its chunks, their length, and whether it was cut at the limit. */
export interface BodyRead {
  chunks: Uint8Array[]
  bytesRead: number
  truncated: boolean
}

/**
 * Adds `chunk` to `read`, or only the part within `limit`, then marks `read` truncated and
 * returns true: the caller stops reading.
 *
 * @example
 * if (takeChunk(read, chunk, 65536)) body.destroy()
 */
export function takeChunk(read: BodyRead, chunk: Uint8Array, limit: number): boolean {
  const room = limit - read.bytesRead
  if (chunk.byteLength > room) {
    read.chunks.push(chunk.subarray(0, room))
    read.bytesRead = limit
    read.truncated = true
    return true
  }
  read.chunks.push(chunk)
  read.bytesRead += chunk.byteLength
  return false
}

/**
 * Reads at most `limit` bytes of a `node:stream` response body, then destroys it (nothing more
 * is read). Listens to the stream's events: cheaper than an async iterator per attempt.
 *
 * @example
 * const { chunks, bytesRead, truncated } = await readNodeBody(response.body, 65536)
 */
export function readNodeBody(
  body: import('node:stream').Readable,
  limit: number,
): Promise<BodyRead> {
  return new Promise((resolve, reject) => {
    const read: BodyRead = { chunks: [], bytesRead: 0, truncated: false }
    body.on('data', (chunk: Uint8Array) => {
      if (!read.truncated && takeChunk(read, chunk, limit)) {
        resolve(read)
        body.destroy()
      }
    })
    body.on('end', () => resolve(read))
    body.on('error', (error) => {
      if (!read.truncated) reject(error)
    })
  })
}

/**
 * Decodes collected chunks as UTF-8 (a character cut at the cap becomes U+FFFD).
 *
 * @example
 * decode([new TextEncoder().encode('ok')], 2) // 'ok'
 */
export function decode(chunks: Uint8Array[], length: number): string {
  if (length === 0) return ''
  if (chunks.length === 1) return utf8.decode(chunks[0])
  const all = new Uint8Array(length)
  let offset = 0
  for (const chunk of chunks) {
    all.set(chunk, offset)
    offset += chunk.byteLength
  }
  return utf8.decode(all)
}

const utf8 = new TextDecoder()
