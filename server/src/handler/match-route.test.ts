import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matchRoute } from './match-route'

const id = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'
const msg = 'msg_01JB8X9C7A1B3C5D7E9F1G3H5J'

describe('matchRoute', () => {
  it('finds every route under any prefix', () => {
    for (const prefix of ['', '/hooks', '/api/v1/webhooks']) {
      expect(matchRoute(`${prefix}/subscriptions`)?.name).toBe('subscriptions')
      expect(matchRoute(`${prefix}/subscriptions/${id}`)).toMatchObject({
        name: 'subscription',
        id,
      })
      expect(matchRoute(`${prefix}/subscriptions/${id}/attempts`)).toMatchObject({
        name: 'attempts',
        id,
      })
      expect(matchRoute(`${prefix}/subscribe`)?.name).toBe('legacy-subscribe')
      expect(matchRoute(`${prefix}/unsubscribe/${id}`)).toMatchObject({
        name: 'legacy-unsubscribe',
        id,
      })
    }
  })

  it('finds the recovery routes under any prefix', () => {
    for (const prefix of ['', '/hooks', '/api/v1/webhooks']) {
      expect(matchRoute(`${prefix}/messages`)).toMatchObject({ name: 'messages', allow: ['GET'] })
      expect(matchRoute(`${prefix}/messages/${msg}`)).toMatchObject({
        name: 'message',
        id: msg,
        allow: ['GET'],
      })
      expect(matchRoute(`${prefix}/messages/${msg}/redeliver`)).toMatchObject({
        name: 'redeliver',
        id: msg,
        allow: ['POST'],
      })
      for (const [last, name, allow] of [
        ['messages', 'subscription-messages', 'GET'],
        ['replay', 'replay', 'POST'],
        ['rotate-secret', 'rotate-secret', 'POST'],
        ['test', 'test', 'POST'],
      ] as const) {
        expect(matchRoute(`${prefix}/subscriptions/${id}/${last}`)).toEqual({
          name,
          id,
          allow: [allow],
        })
      }
    }
  })

  it('keeps subscriptions/messages a subscription id, and needs the right parent', () => {
    expect(matchRoute('/subscriptions/messages')).toMatchObject({ name: 'subscription' })
    for (const path of [`/x/${id}/replay`, `/subscriptions/${msg}/redeliver`, '/redeliver']) {
      expect(matchRoute(path), path).toBeNull()
    }
  })

  it('lists the methods each route allows', () => {
    expect(matchRoute('/subscriptions')?.allow).toEqual(['GET', 'POST'])
    expect(matchRoute(`/subscriptions/${id}`)?.allow).toEqual(['GET', 'PATCH', 'DELETE'])
    expect(matchRoute(`/subscriptions/${id}/attempts`)?.allow).toEqual(['GET'])
  })

  it('matches nothing for other paths and for a trailing slash', () => {
    for (const path of ['/', '', '/hooks', '/subscriptions/', '/attempts', `/x/${id}/attempts`]) {
      expect(matchRoute(path), path).toBeNull()
    }
  })

  it('decodes percent-escapes in the id, and refuses broken ones', () => {
    expect(matchRoute('/subscriptions/sub%5Fx')?.id).toBe('sub_x')
    expect(matchRoute('/subscriptions/%E0%A4%A')?.id).not.toBe('%E0%A4%A')
  })

  it('reads the same trailing segments as splitting the whole path would', () => {
    const segment = fc.constantFrom(
      '',
      'subscriptions',
      'subscribe',
      'unsubscribe',
      'attempts',
      'messages',
      'redeliver',
      'replay',
      'rotate-secret',
      'test',
      id,
      msg,
      'x',
      '%73ubscriptions',
      '%E0%A4%A',
    )
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 5 }), fc.boolean(), (segments, rooted) => {
        const path = `${rooted ? '/' : ''}${segments.join('/')}`
        expect(matchRoute(path)).toEqual(bySplitting(path))
      }),
    )
  })
})

/** The routing rule, read the obvious way: every segment split and decoded. */
function bySplitting(path: string) {
  const decode = (s: string | undefined) => {
    if (s === undefined) return undefined
    try {
      return decodeURIComponent(s)
    } catch {
      return `\u0000${s}`
    }
  }
  const segments = path.split('/')
  const last = decode(segments.at(-1))
  const before = decode(segments.at(-2))
  if (last === undefined || last === '') return null
  if (last === 'subscriptions') return matchRoute('/subscriptions')
  if (last === 'subscribe') return matchRoute('/subscribe')
  const third = decode(segments.at(-3))
  const actions = ['attempts', 'messages', 'replay', 'rotate-secret', 'test']
  if (actions.includes(last) && third === 'subscriptions' && before) {
    return { ...matchRoute(`/subscriptions/${id}/${last}`), id: before }
  }
  if (last === 'redeliver' && third === 'messages' && before) {
    return { ...matchRoute(`/messages/${msg}/redeliver`), id: before }
  }
  if (last === 'messages' && before !== 'subscriptions') return matchRoute('/messages')
  if (before === 'subscriptions') return { ...matchRoute(`/subscriptions/${id}`), id: last }
  if (before === 'unsubscribe') return { ...matchRoute(`/unsubscribe/${id}`), id: last }
  if (before === 'messages') return { ...matchRoute(`/messages/${msg}`), id: last }
  return null
}
