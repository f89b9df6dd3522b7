import type { DeliveryStatus } from '@rh/protocol'
import type { PageContext } from '../context'
import { h } from '../dom'
import { formatDuration, formatTime } from '../format'
import { routeHref } from '../hash-route'
import { actionButton, badge, field, pager, select, table } from '../widgets'
import { subscriptionActions } from './subscription-actions'

const PAGE_SIZE = 20
const statuses: DeliveryStatus[] = ['pending', 'delivered', 'failed', 'gone', 'cancelled']

/**
 * One subscription: what it is, its actions, and a tab of its messages (filtered by delivery
 * status, each redeliverable) or of its attempts (status code, duration, error, response).
 */
export async function subscriptionPage(context: PageContext): Promise<HTMLElement> {
  const { client, route } = context
  const id = route.id as string
  const subscription = await client.get(id)
  const tab = route.query.tab === 'attempts' ? 'attempts' : 'messages'
  const here = (query: Record<string, string | undefined>) => routeHref('subscriptions', id, query)

  return h(
    'section',
    {},
    h('h1', {}, 'Subscription ', h('code', {}, subscription.id)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Target'),
      h('dd', {}, subscription.target_url),
      h('dt', {}, 'Events'),
      h('dd', {}, subscription.events.join(', ')),
      h('dt', {}, 'Status'),
      h('dd', {}, badge(subscription.status)),
      h('dt', {}, 'Created'),
      h('dd', {}, formatTime(subscription.created_at)),
    ),
    subscriptionActions(context, subscription),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Subscription views' },
      h('a', { href: here({}), 'aria-current': tab === 'messages' ? 'page' : false }, 'Messages'),
      h(
        'a',
        { href: here({ tab: 'attempts' }), 'aria-current': tab === 'attempts' ? 'page' : false },
        'Attempts',
      ),
    ),
    tab === 'attempts' ? await attemptsTab(context, here) : await messagesTab(context, here),
  )
}

type Here = (query: Record<string, string | undefined>) => string

async function attemptsTab({ client, route }: PageContext, here: Here) {
  const { cursor } = route.query
  const page = await client.attempts(route.id as string, { cursor, limit: PAGE_SIZE })
  return h(
    'section',
    {},
    h('h2', {}, 'Attempts'),
    table(
      'Attempts, newest first',
      [
        'Started',
        'Message',
        'Attempt',
        'Outcome',
        'Status code',
        'Duration',
        'Error',
        'Response',
        'Next attempt',
      ],
      page.data.map((attempt) => [
        formatTime(attempt.started_at),
        h('a', { href: routeHref('messages', attempt.message_id) }, attempt.message_id),
        String(attempt.attempt),
        badge(attempt.outcome),
        attempt.response_status === null ? '—' : String(attempt.response_status),
        formatDuration(attempt.duration_ms),
        attempt.error ?? '—',
        // A text node like every value: a body with markup shows as the text it is.
        attempt.response_excerpt ? h('code', { class: 'excerpt' }, attempt.response_excerpt) : '—',
        formatTime(attempt.next_attempt_at),
      ]),
    ),
    pager(
      cursor ? here({ tab: 'attempts' }) : null,
      page.next_cursor ? here({ tab: 'attempts', cursor: page.next_cursor }) : null,
    ),
  )
}

async function messagesTab(context: PageContext, here: Here) {
  const { client, route, notice, refresh, fail } = context
  const id = route.id as string
  const { cursor } = route.query
  const status = statuses.find((each) => each === route.query.status)
  const page = await client.listSubscriptionMessages(id, { status, cursor, limit: PAGE_SIZE })

  const statusSelect = select(
    'status',
    [['', 'Any status'], ...statuses.map((each): [string, string] => [each, each])],
    status ?? '',
  ) as HTMLSelectElement
  const filters = h(
    'form',
    { class: 'filters', role: 'search', method: 'get', action: '#' },
    field('Delivery status', statusSelect),
    h('button', { type: 'submit' }, 'Filter'),
  )
  filters.addEventListener('submit', (submitted) => {
    submitted.preventDefault()
    location.hash = here({ status: statusSelect.value })
  })

  const redeliver = (messageId: string) => async () => {
    try {
      await client.redeliver(messageId, { subscriptionId: id })
      notice('Redelivering.')
      refresh()
    } catch (error) {
      fail(error)
    }
  }

  return h(
    'section',
    {},
    h('h2', {}, 'Messages'),
    filters,
    table(
      'Messages sent to this subscription, newest first',
      ['Created', 'Event', 'Message', 'Delivery', 'Attempts', 'Action'],
      page.data.map((message) => {
        const delivery = message.deliveries?.[0]
        return [
          formatTime(message.created_at),
          message.event,
          h('a', { href: routeHref('messages', message.id) }, message.id),
          delivery ? badge(delivery.status) : '—',
          delivery ? String(delivery.attempts) : '—',
          actionButton('Redeliver', redeliver(message.id)),
        ]
      }),
    ),
    pager(
      cursor ? here({ status }) : null,
      page.next_cursor ? here({ status, cursor: page.next_cursor }) : null,
    ),
  )
}
