import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { matchRoute } from './match-route'

const id = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'

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
      id,
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
  if (last === 'attempts' && decode(segments.at(-3)) === 'subscriptions' && before) {
    return { ...matchRoute(`/subscriptions/${id}/attempts`), id: before }
  }
  if (before === 'subscriptions') return { ...matchRoute(`/subscriptions/${id}`), id: last }
  if (before === 'unsubscribe') return { ...matchRoute(`/unsubscribe/${id}`), id: last }
  return null
}
