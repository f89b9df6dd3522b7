import type { PageContext } from '../context'
import { h } from '../dom'
import { formatTime } from '../format'
import { routeHref } from '../hash-route'
import { actionButton, badge, table } from '../widgets'

/** One message: its payload, and its delivery to each subscription, each redeliverable. */
export async function messagePage(context: PageContext): Promise<HTMLElement> {
  const { client, route, notice, refresh, fail } = context
  const id = route.id as string
  const message = await client.getMessage(id)

  const redeliver = (subscriptionId?: string) => async () => {
    try {
      const { redelivered } = await client.redeliver(id, { subscriptionId })
      notice(`Redelivering to ${redelivered} subscription${redelivered === 1 ? '' : 's'}.`)
      refresh()
    } catch (error) {
      fail(error)
    }
  }

  return h(
    'section',
    {},
    h('h1', {}, 'Message ', h('code', {}, message.id)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Event'),
      h('dd', {}, message.event),
      h('dt', {}, 'Created'),
      h('dd', {}, formatTime(message.created_at)),
    ),
    h('h2', {}, 'Deliveries'),
    table(
      'Deliveries',
      ['Subscription', 'Status', 'Attempts', 'Updated', 'Action'],
      message.deliveries.map((delivery) => [
        h(
          'a',
          { href: routeHref('subscriptions', delivery.subscription_id) },
          delivery.subscription_id,
        ),
        badge(delivery.status),
        String(delivery.attempts),
        formatTime(delivery.updated_at),
        actionButton('Redeliver', redeliver(delivery.subscription_id)),
      ]),
    ),
    h('p', {}, actionButton('Redeliver to every subscription', redeliver())),
    h('h2', {}, 'Payload'),
    h('pre', { class: 'payload', tabindex: 0 }, JSON.stringify(message.payload, null, 2)),
  )
}
