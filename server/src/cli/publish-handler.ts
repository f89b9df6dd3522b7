import { EventNameSchema, MAX_REQUEST_BODY_BYTES } from '@rh/protocol'
import * as v from 'valibot'
import { ResthooksError } from '../errors'
import { problemResponse } from '../handler/problem-response'

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
  /** Accepts one notification durably and returns its message id. */
  notify(owner: string, event: string, data: unknown): Promise<string>
}

/**
 * `POST /events`: authenticates the API key, validates `{ owner?, event, data }` and answers
 * `202 { message_id }` once the notification is durably accepted. A key publishes only for its
 * own owner. Bad input gets a problem+json 4xx, never a 500.
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
      const body = await readJson(request)
      const parsed = v.safeParse(PublishBodySchema, body)
      if (!parsed.success) {
        throw new ResthooksError('invalid_request', 'the event is not valid', {
          errors: parsed.issues.map((issue) => ({
            path: v.getDotPath(issue) ?? '',
            message: issue.message,
          })),
        })
      }
      if (parsed.output.owner !== undefined && parsed.output.owner !== owner) {
        throw new ResthooksError('unauthorized', 'this API key publishes only for its own owner')
      }
      const messageId = await options.notify(owner, parsed.output.event, parsed.output.data)
      return Response.json({ message_id: messageId }, { status: 202 })
    } catch (error) {
      if (error instanceof ResthooksError) return problemResponse(error)
      throw error
    }
  }
}

/** Reads a JSON body of at most {@link MAX_REQUEST_BODY_BYTES}, or throws the matching problem. */
async function readJson(request: Request): Promise<unknown> {
  const type = request.headers.get('content-type') ?? ''
  if (!/^application\/(.+\+)?json\s*(;|$)/i.test(type)) {
    throw new ResthooksError('unsupported_media_type', 'send the event as application/json')
  }
  const declared = Number(request.headers.get('content-length') ?? 0)
  const text = declared > MAX_REQUEST_BODY_BYTES ? null : await request.text()
  if (text === null || new TextEncoder().encode(text).byteLength > MAX_REQUEST_BODY_BYTES) {
    throw new ResthooksError(
      'payload_too_large',
      `an event is at most ${MAX_REQUEST_BODY_BYTES} bytes`,
    )
  }
  try {
    return JSON.parse(text)
  } catch (cause) {
    throw new ResthooksError('malformed_json', 'the body is not valid JSON', { cause })
  }
}
