import { EventNameSchema, MAX_REQUEST_BODY_BYTES, toFieldIssues } from '@rh/protocol'
import * as v from 'valibot'
import { isIdempotencyKey } from '../delivery/idempotency-key'
import { ResthooksError } from '../errors'
import { problemResponse } from '../handler/problem-response'
import { readJson } from '../handler/read-json'
import { isDiskFull } from '../sqlite/disk-full'

/** The body of `POST /events`. `owner` may be left out: it is the API key's owner. */
export const PublishBodySchema = v.strictObject({
  owner: v.optional(v.pipe(v.string(), v.minLength(1))),
  event: EventNameSchema,
  data: v.unknown(),
})

/** What the publish endpoint needs: who is calling, and how to notify. */
export interface PublishHandlerOptions {
  /** The owner of an `Authorization` header value, or `null`. */
  authenticate(authorization: string | null): string | null
  /**
   * Accepts one notification durably and returns its message id; for an idempotency key this
   * owner used already (within 24 h), the first message's id, accepting nothing new.
   */
  notify(
    owner: string,
    event: string,
    data: unknown,
    options: { idempotencyKey?: string },
  ): Promise<string>
  /** Told about a failure to accept a valid event (the database), answered `503`. */
  onError?(error: unknown, request: Request): void
}

/** Seconds a publisher is asked to wait before publishing again after a `503`. */
const RETRY_AFTER_SECONDS = 5

/**
 * `POST /events`: authenticates the API key, validates `{ owner?, event, data }` and answers
 * `202 { message_id }` once the notification is durably accepted. A key publishes only for its
 * own owner. An `Idempotency-Key` header (1 to 255 printable ASCII characters, bare or as a
 * quoted string) makes a retried publish safe: the same key again answers the same message id;
 * a malformed key is `422`. Bad input gets a problem+json 4xx, never a 500. When the notification cannot be
 * accepted (the database fails, or its disk is full) nothing was accepted: the answer is a
 * problem+json `503` with `Retry-After`, so the publisher sends it again, and `onError` hears why.
 *
 * @example
 * const publish = publishHandler({ authenticate, notify: (owner, event, data) => ... })
 * const response = await publish(request)
 */
export function publishHandler(options: PublishHandlerOptions) {
  return async (request: Request): Promise<Response> => {
    try {
      const owner = options.authenticate(request.headers.get('authorization'))
      if (owner === null)
        throw new ResthooksError('unauthorized', 'send Authorization: Bearer <api key>')
      const idempotencyKey = readIdempotencyKey(request.headers.get('idempotency-key'))
      const body = await readEvent(request)
      const parsed = v.safeParse(PublishBodySchema, body)
      if (!parsed.success) {
        throw new ResthooksError('invalid_request', 'the event is not valid', {
          errors: toFieldIssues(parsed.issues),
        })
      }
      if (parsed.output.owner !== undefined && parsed.output.owner !== owner) {
        throw new ResthooksError('unauthorized', 'this API key publishes only for its own owner')
      }
      let messageId: string
      try {
        messageId = await options.notify(
          owner,
          parsed.output.event,
          parsed.output.data,
          idempotencyKey === null ? {} : { idempotencyKey },
        )
      } catch (error) {
        if (error instanceof ResthooksError) throw error
        options.onError?.(error, request)
        const why = isDiskFull(error) ? 'the database disk is full' : 'the database failed'
        return problemResponse(
          new ResthooksError('unavailable', `${why}; the event was not accepted: send it again`, {
            cause: error,
          }),
          { 'retry-after': String(RETRY_AFTER_SECONDS) },
        )
      }
      return Response.json({ message_id: messageId }, { status: 202 })
    } catch (error) {
      if (error instanceof ResthooksError) return problemResponse(error)
      throw error
    }
  }
}

/**
 * The `Idempotency-Key` header's key, or `null` without one. Taken bare (`abc`) or as the
 * structured-field string of the IETF draft (`"abc"`).
 */
function readIdempotencyKey(header: string | null): string | null {
  if (header === null) return null
  let key = header.trim()
  if (key.length >= 2 && key.startsWith('"') && key.endsWith('"')) key = key.slice(1, -1)
  if (!isIdempotencyKey(key) || key.trim() === '') {
    throw new ResthooksError(
      'invalid_request',
      'Idempotency-Key must be 1 to 255 printable ASCII characters',
      {
        errors: [
          { path: 'Idempotency-Key', message: 'must be 1 to 255 printable ASCII characters' },
        ],
      },
    )
  }
  return key
}

/** `application/json`, or any `+json` type (an event may come as `application/cloudevents+json`). */
const EVENT_MEDIA_TYPE = /^application\/(.+\+)?json\s*(;|$)/i

/** Reads a JSON body of at most {@link MAX_REQUEST_BODY_BYTES}, or throws the matching problem. */
function readEvent(request: Request): Promise<unknown> {
  return readJson(request, MAX_REQUEST_BODY_BYTES, EVENT_MEDIA_TYPE)
}
