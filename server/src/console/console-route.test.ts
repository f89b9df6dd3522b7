import { describe, expect, it } from 'vitest'
import { consoleRoute, normalizeMountPath } from './console-route'

describe('consoleRoute', () => {
  it('serves the page at the mount path with a slash, and redirects there without one', () => {
    expect(consoleRoute('/console/', '/console')).toEqual({ kind: 'page' })
    expect(consoleRoute('/console', '/console')).toEqual({
      kind: 'redirect',
      location: '/console/',
    })
  })

  it('names the script, the stylesheet and the API beside the page', () => {
    expect(consoleRoute('/console/console.js', '/console')).toEqual({ kind: 'script' })
    expect(consoleRoute('/console/console.css', '/console')).toEqual({ kind: 'style' })
    expect(consoleRoute('/console/api/subscriptions', '/console')).toEqual({ kind: 'api' })
  })

  it('answers not-found under the mount path and null outside it', () => {
    expect(consoleRoute('/console/other', '/console')).toEqual({ kind: 'not-found' })
    expect(consoleRoute('/console/api', '/console')).toEqual({ kind: 'not-found' })
    expect(consoleRoute('/consoles/', '/console')).toBeNull()
    expect(consoleRoute('/subscriptions', '/console')).toBeNull()
  })

  it('works mounted at the root', () => {
    expect(consoleRoute('/', '')).toEqual({ kind: 'page' })
    expect(consoleRoute('/console.js', '')).toEqual({ kind: 'script' })
  })
})

describe('normalizeMountPath', () => {
  it('drops trailing slashes and keeps the root as an empty path', () => {
    expect(normalizeMountPath('/console/')).toBe('/console')
    expect(normalizeMountPath('/admin/hooks')).toBe('/admin/hooks')
    expect(normalizeMountPath('/')).toBe('')
  })

  it('refuses what is not a plain path', () => {
    for (const bad of ['console', '/a?b', '/a#b', '/a/../b', '/a b', '//x']) {
      expect(() => normalizeMountPath(bad), bad).toThrow(TypeError)
    }
  })
})
