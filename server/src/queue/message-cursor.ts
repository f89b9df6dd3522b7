/**
 * A page cursor of a durable message log: the `created_at` (base 36) and the id of the last item
 * of the page before, `<time>.<id>`. Pages are newest first, so the next page is what sorts
 * below that pair.
 *
 * @example
 * encodeMessageCursor(1738411200000, 'msg_01JB8X6T3QH6W2Y9V4KZP7M5RC') // 'm6m556o0.msg_01JB…'
 */
export function encodeMessageCursor(at: number, id: string): string {
  return `${at.toString(36)}.${id}`
}

/**
 * The (time, id) of a cursor, or `null` for one no log made (the page after it is empty).
 *
 * @example
 * decodeMessageCursor(encodeMessageCursor(5, 'msg_1')) // [5, 'msg_1']
 */
export function decodeMessageCursor(cursor: string): [number, string] | null {
  const match = /^([0-9a-z]{1,11})\.([\w-]{1,100})$/.exec(cursor)
  return match ? [Number.parseInt(match[1] as string, 36), match[2] as string] : null
}
