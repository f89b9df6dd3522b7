import { LegacySubscribeSchema } from '@rh/protocol'
import { lightJsonResponse } from '../../../internal/fast-path'
import { parseInput } from './parse-input'
import { deleteSubscription, type RouteContext, storeSubscription } from './subscription-routes'

/**
 * The go-resthooks alias `POST {base}/subscribe`: answers as go-resthooks does, `200` with
 * `{ id, user_id, event, target_url }`, followed by rh's own fields (`events`, `status`,
 * `metadata`, `created_at`, `updated_at`, and a generated `secret` this once). `id` is rh's
 * string id: a Go consumer that decodes it as a string (or ignores it) works unchanged.
 * The handshake runs when `context.aliasHandshake` is on. `user_id` never chooses the owner
 * (the authenticated caller): it is echoed, so a subscriber cannot act for another by naming it.
 *
 * @example
 * return goResthooksSubscribe(context, owner, await readJson(request, max, null))
 */
export async function goResthooksSubscribe(
  context: RouteContext,
  owner: string,
  body: unknown,
): Promise<Response> {
  const input = parseInput(LegacySubscribeSchema, body, 'invalid_request')
  const created = await storeSubscription(
    context,
    owner,
    { target_url: input.target_url, events: [input.event] },
    { eventPath: () => 'event', handshake: context.aliasHandshake },
  )
  const { id, target_url, ...rest } = created
  // go-resthooks' four fields first, as it marshals them (user_id 0 when none was sent).
  const answer = { id, user_id: input.user_id ?? 0, event: input.event, target_url, ...rest }
  return lightJsonResponse(answer, 200, {
    'content-type': 'application/json',
    location: `subscriptions/${created.id}`,
  })
}

/**
 * The go-resthooks alias `DELETE {base}/unsubscribe/{id}`: `200` with an empty body, as
 * go-resthooks answers; an unknown id is rh's `404 not_found` (go-resthooks answers 500).
 *
 * @example
 * return goResthooksUnsubscribe(context, owner, id)
 */
export async function goResthooksUnsubscribe(
  context: RouteContext,
  owner: string,
  id: string,
): Promise<Response> {
  await deleteSubscription(context, owner, id)
  return new Response(null, { status: 200 })
}
