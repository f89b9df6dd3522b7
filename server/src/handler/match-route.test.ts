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
})
