import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { urlPath } from './url-path'

describe('urlPath', () => {
  it('reads a plain path off the URL', () => {
    expect(urlPath('http://rh.test/hooks/subscriptions?limit=1')).toBe('/hooks/subscriptions')
    expect(urlPath('https://[::1]:8080/a/sub_01JB#x')).toBe('/a/sub_01JB')
    expect(urlPath('http://rh.test/a//b/')).toBe('/a//b/')
  })

  it('gives what the URL parser gives, for any URL', () => {
    for (const url of [
      'http://rh.test',
      'http://rh.test/a/../b',
      'http://rh.test/a/%2e%2e/b',
      'http://rh.test/a b',
      'http://rh.test/ü',
      'http://rh.test\\a\\b',
      'http://u:p@rh.test/a',
      'HTTP://rh.test/A',
      'http://rh.test/a\t/b',
      'file:///a/b',
      'http:///a/b',
      'https:///a',
      'http://rh.test?x=/a',
      'http://rh.test#/a',
      'http://a:1/b',
    ]) {
      expect(urlPath(url), url).toBe(new URL(url).pathname)
    }
    const part = fc.constantFrom(
      '/',
      'a',
      'Z',
      '9',
      '_',
      '-',
      '~',
      '.',
      '%2e',
      '%',
      '?',
      '#',
      '\\',
      ' ',
      'ü',
      '@',
      ':',
    )
    fc.assert(
      fc.property(fc.array(part, { maxLength: 12 }), (parts) => {
        const url = `http://rh.test/${parts.join('')}`
        if (!URL.canParse(url)) return
        expect(urlPath(url)).toBe(new URL(url).pathname)
      }),
    )
    const host = fc.constantFrom('a', '1', '.', ':', '[', ']', '-', '/', '@', '\\', '?')
    fc.assert(
      fc.property(
        fc.array(host, { maxLength: 8 }),
        fc.constantFrom('http', 'https'),
        (parts, scheme) => {
          const url = `${scheme}://${parts.join('')}/x`
          if (!URL.canParse(url)) return
          expect(urlPath(url)).toBe(new URL(url).pathname)
        },
      ),
    )
  })
})
