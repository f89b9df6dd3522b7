import { describe, expect, it } from 'vitest'
import { escapeHtml } from './escape-html'

describe('escapeHtml', () => {
  it('turns markup into text', () => {
    expect(escapeHtml('<img src=x onerror="alert(1)">')).toBe(
      '&lt;img src=x onerror=&quot;alert(1)&quot;&gt;',
    )
  })

  it('escapes ampersands first and single quotes too', () => {
    expect(escapeHtml("&lt; it's")).toBe('&amp;lt; it&#39;s')
  })

  it('leaves plain text as it is', () => {
    expect(escapeHtml('/console/api')).toBe('/console/api')
  })
})
