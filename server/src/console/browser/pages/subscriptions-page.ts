import type { Subscription } from '@rh/protocol'
import type { PageContext } from '../context'
import { h } from '../dom'
import { failureStreak, formatTime } from '../format'
import { routeHref } from '../hash-route'
import { badge, field, pager, table } from '../widgets'

const PAGE_SIZE = 20
// Attempts read per subscription: the last attempt, and the failure streak up to this many.
const STREAK_WINDOW = 10

/**
 * The owner's subscriptions, a page at a time, filtered by event: target, events, status, and,
 * from each one's attempt log, its failures in a row and its last attempt.
 */
export async function subscriptionsPage({ client, route }: PageContext): Promise<HTMLElement> {
  const { event, cursor } = route.query
  const page = await client.list({ event, cursor, limit: PAGE_SIZE })
  const rows = await Promise.all(page.data.map((each) => row(each)))

  async function row(subscription: Subscription) {
    const attempts = await client.attempts(subscription.id, { limit: STREAK_WINDOW })
    const last = attempts.data[0]
    return [
      h('a', { href: routeHref('subscriptions', subscription.id) }, subscription.target_url),
      subscription.events.join(', '),
      badge(subscription.status),
      failureStreak(attempts.data, attempts.next_cursor !== null),
      last
        ? `${formatTime(last.started_at)} · ${last.outcome}${last.response_status === null ? '' : ` (${last.response_status})`}`
        : '—',
    ]
  }

  const eventInput = h('input', { name: 'event', type: 'text', value: event ?? '' })
  const filters = h(
    'form',
    { class: 'filters', role: 'search', method: 'get', action: '#' },
    field('Event', eventInput),
    h('button', { type: 'submit' }, 'Filter'),
  )
  filters.addEventListener('submit', (submitted) => {
    submitted.preventDefault()
    location.hash = routeHref('subscriptions', undefined, {
      event: (eventInput as HTMLInputElement).value.trim(),
    })
  })

  return h(
    'section',
    {},
    h('h1', {}, 'Subscriptions'),
    filters,
    table(
      'Subscriptions',
      ['Target', 'Events', 'Status', 'Failures in a row', 'Last attempt'],
      rows,
    ),
    pager(
      cursor ? routeHref('subscriptions', undefined, { event }) : null,
      page.next_cursor
        ? routeHref('subscriptions', undefined, { event, cursor: page.next_cursor })
        : null,
    ),
  )
}
