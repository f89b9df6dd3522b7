import { describe, expect, it } from 'vitest'
import { ResthooksError } from '../errors'
import { decodeCursor, encodeCursor } from './page-cursor'

const id = 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'

describe('page cursors', () => {
  it('gives back the store cursor for the same list', () => {
    const cursor = encodeCursor(id, 'post.created')
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/)
    expect(decodeCursor(cursor ?? undefined, 'post.created')).toBe(id)
  })

  it('has no cursor after the last page', () => {
    expect(encodeCursor(null, '')).toBeNull()
    expect(decodeCursor(undefined, '')).toBeUndefined()
  })

  it('refuses a cursor of another list', () => {
    const cursor = encodeCursor(id, 'post.created') ?? ''
    expect(() => decodeCursor(cursor, '')).toThrow(ResthooksError)
    expect(() => decodeCursor(cursor, 'post.deleted')).toThrow(/another list/)
  })

  it('refuses cursors it did not issue as invalid_query', () => {
    const forged = (value: unknown) =>
      btoa(JSON.stringify(value)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
    for (const cursor of [
      'x',
      '!!!',
      'eyJ9',
      forged({ id }),
      forged(['', 1]),
      forged(['', '']),
      forged(['', 'a\u0000b']),
      forged(['', 'ü']),
    ]) {
      try {
        decodeCursor(cursor, '')
        expect.unreachable(cursor)
      } catch (error) {
        expect(error, cursor).toBeInstanceOf(ResthooksError)
        expect((error as ResthooksError).code).toBe('invalid_query')
      }
    }
  })
})
