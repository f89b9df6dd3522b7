import { describe, expect, it } from 'vitest'
import { decodeMessageCursor, encodeMessageCursor } from './message-cursor'

describe('message cursors', () => {
  it('round-trips the time and id of the last item', () => {
    const cursor = encodeMessageCursor(1738411200000, 'msg_01JB8X6T3QH6W2Y9V4KZP7M5RC')
    expect(cursor).toBe('m6m556o0.msg_01JB8X6T3QH6W2Y9V4KZP7M5RC')
    expect(decodeMessageCursor(cursor)).toEqual([1738411200000, 'msg_01JB8X6T3QH6W2Y9V4KZP7M5RC'])
  })

  it('knows no cursor a log never made', () => {
    for (const foreign of ['', 'msg_1', 'x.', 'ZZ.msg_1', `1.${'a'.repeat(101)}`, '1.a b']) {
      expect(decodeMessageCursor(foreign)).toBeNull()
    }
  })
})
