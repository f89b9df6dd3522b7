import type { PageContext } from '../context'
import { h } from '../dom'
import { formatTime, isoToLocalInput, localInputToIso } from '../format'
import { routeHref } from '../hash-route'
import { badge, field, pager, table } from '../widgets'

const PAGE_SIZE = 20

/**
 * The message log, newest first, filtered by event and time, each message with the status of
 * its delivery to each subscription.
 */
export async function messagesPage({ client, route }: PageContext): Promise<HTMLElement> {
  const { event, since, until, cursor } = route.query
  const page = await client.listMessages({ event, since, until, cursor, limit: PAGE_SIZE })
  const messages = await Promise.all(page.data.map((message) => client.getMessage(message.id)))
  const rows = messages.map((message) => [
    formatTime(message.created_at),
    message.event,
    h('a', { href: routeHref('messages', message.id) }, message.id),
    message.deliveries.length === 0
      ? 'no subscriber'
      : h(
          'ul',
          { class: 'deliveries' },
          ...message.deliveries.map((delivery) =>
            h(
              'li',
              {},
              h(
                'a',
                { href: routeHref('subscriptions', delivery.subscription_id) },
                delivery.subscription_id,
              ),
              ' ',
              badge(delivery.status),
            ),
          ),
        ),
  ])

  const inputs = {
    event: h('input', { name: 'event', type: 'text', value: event ?? '' }) as HTMLInputElement,
    since: h('input', {
      name: 'since',
      type: 'datetime-local',
      value: isoToLocalInput(since),
    }) as HTMLInputElement,
    until: h('input', {
      name: 'until',
      type: 'datetime-local',
      value: isoToLocalInput(until),
    }) as HTMLInputElement,
  }
  const filters = h(
    'form',
    { class: 'filters', role: 'search', method: 'get', action: '#' },
    field('Event', inputs.event),
    field('Since', inputs.since),
    field('Until', inputs.until),
    h('button', { type: 'submit' }, 'Filter'),
  )
  filters.addEventListener('submit', (submitted) => {
    submitted.preventDefault()
    location.hash = routeHref('messages', undefined, {
      event: inputs.event.value.trim(),
      since: localInputToIso(inputs.since.value),
      until: localInputToIso(inputs.until.value),
    })
  })

  const query = { event, since, until }
  return h(
    'section',
    {},
    h('h1', {}, 'Messages'),
    filters,
    table('Messages', ['Created', 'Event', 'Message', 'Deliveries'], rows),
    pager(
      cursor ? routeHref('messages', undefined, query) : null,
      page.next_cursor
        ? routeHref('messages', undefined, { ...query, cursor: page.next_cursor })
        : null,
    ),
  )
}
