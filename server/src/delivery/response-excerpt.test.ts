import { describe, expect, it } from 'vitest'
import { responseExcerpt } from './response-excerpt'

describe('responseExcerpt', () => {
  it('keeps a short body whole, trimmed', () => {
    expect(responseExcerpt('  {"error":"db down"}\n')).toBe('{"error":"db down"}')
  })

  it('is null for an empty or blank body', () => {
    expect(responseExcerpt('')).toBeNull()
    expect(responseExcerpt(' \r\n\t ')).toBeNull()
  })

  it('keeps the first 256 characters of a longer body', () => {
    const body = `${'a'.repeat(250)}${'b'.repeat(50)}`
    expect(responseExcerpt(body)).toBe(`${'a'.repeat(250)}${'b'.repeat(6)}`)
  })

  it('counts the cap after the leading whitespace', () => {
    expect(responseExcerpt(`${' '.repeat(300)}ok`)).toBe('ok')
    expect(responseExcerpt(`\n${'x'.repeat(300)}`)).toBe('x'.repeat(256))
  })

  it('never cuts a character made of two UTF-16 halves in two', () => {
    const excerpt = responseExcerpt(`${'a'.repeat(255)}😀 and more`)
    expect(excerpt).toBe('a'.repeat(255))
  })

  it('replaces NUL, which PostgreSQL cannot store', () => {
    expect(responseExcerpt('bad\0byte')).toBe('bad\uFFFDbyte')
  })
})
