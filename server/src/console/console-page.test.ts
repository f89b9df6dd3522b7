import { describe, expect, it } from 'vitest'
import { consolePage } from './console-page'

describe('consolePage', () => {
  it('loads its script and stylesheet from beside it, with no inline script or style', () => {
    const html = consolePage({ apiBase: '/console/api', signIn: 'api-key', title: 'rh console' })
    expect(html).toContain('<script type="module" src="./console.js"></script>')
    expect(html).toContain('<link rel="stylesheet" href="./console.css">')
    expect(html.match(/<script/g)).toHaveLength(1)
    expect(html).not.toMatch(/<style|style=|\son[a-z]+=/)
    expect(html).toContain('data-api-base="/console/api" data-sign-in="api-key"')
  })

  it('escapes what it is given', () => {
    const html = consolePage({
      apiBase: '/"><script>alert(1)</script>',
      signIn: 'host',
      title: '<b>ops</b>',
    })
    expect(html).not.toContain('<script>alert(1)')
    expect(html).not.toContain('<b>')
    expect(html).toContain('data-api-base="/&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"')
    expect(html).toContain('<title>&lt;b&gt;ops&lt;/b&gt;</title>')
  })
})
