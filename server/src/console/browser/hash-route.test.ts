import { describe, expect, it } from 'vitest'
import { parseRoute, routeHref } from './hash-route'

describe('parseRoute', () => {
  it('opens on the subscriptions page', () => {
    expect(parseRoute('')).toEqual({ page: 'subscriptions', query: {} })
    expect(parseRoute('#/')).toEqual({ page: 'subscriptions', query: {} })
  })

  it('reads the page, the id and the query', () => {
    expect(parseRoute('#/subscriptions/sub_1?tab=attempts&cursor=c2')).toEqual({
      page: 'subscription',
      id: 'sub_1',
      query: { tab: 'attempts', cursor: 'c2' },
    })
    expect(parseRoute('#/messages?event=a.b&since=')).toEqual({
      page: 'messages',
      query: { event: 'a.b' },
    })
    expect(parseRoute('#/messages/msg_1')).toEqual({ page: 'message', id: 'msg_1', query: {} })
  })

  it('calls anything else unknown', () => {
    expect(parseRoute('#/nope').page).toBe('unknown')
    expect(parseRoute('#/subscriptions/a/b').page).toBe('unknown')
  })
})

describe('routeHref', () => {
  it('writes a route parseRoute reads back, leaving empty members out', () => {
    const href = routeHref('subscriptions', 'sub 1/x', {
      status: 'failed',
      cursor: undefined,
      e: '',
    })
    expect(href).toBe('#/subscriptions/sub%201%2Fx?status=failed')
    expect(parseRoute(href)).toEqual({
      page: 'subscription',
      id: 'sub 1/x',
      query: { status: 'failed' },
    })
  })
})
