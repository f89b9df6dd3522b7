import { ResthooksError } from '../errors'

/**
 * The `next_cursor` a client sees: the store's own cursor bound to the list it came from (the
 * `event` filter, or the subscription of an attempt log), base64url-encoded. A cursor is only
 * read back for the same list; anything else is `400 invalid_query`.
 *
 * @example
 * const next = encodeCursor(page.nextCursor, query.event ?? '')
 */
export function encodeCursor(storeCursor: string | null, scope: string): string | null {
  if (storeCursor === null) return null
  const bytes = new TextEncoder().encode(JSON.stringify([scope, storeCursor]))
  let binary = ''
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '')
}

/**
 * The store cursor inside a client's cursor, or `undefined` when there is none. Throws
 * `ResthooksError('invalid_query')` for a cursor this server did not issue for this list.
 *
 * @example
 * const cursor = decodeCursor(query.cursor, query.event ?? '')
 */
export function decodeCursor(cursor: string | undefined, scope: string): string | undefined {
  if (cursor === undefined) return undefined
  let decoded: unknown
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) throw new Error('not base64url')
    const binary = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0))
    decoded = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch (error) {
    throw invalid('the cursor is not one this server issued', error)
  }
  if (
    !Array.isArray(decoded) ||
    decoded.length !== 2 ||
    typeof decoded[1] !== 'string' ||
    // Stores' cursors are printable ASCII (ids): nothing else reaches a store.
    !/^[\x20-\x7e]+$/.test(decoded[1])
  ) {
    throw invalid('the cursor is not one this server issued')
  }
  if (decoded[0] !== scope) throw invalid('the cursor belongs to another list (event filter)')
  return decoded[1]
}

const invalid = (detail: string, cause?: unknown) =>
  new ResthooksError('invalid_query', detail, {
    ...(cause === undefined ? {} : { cause }),
    errors: [{ path: 'cursor', message: detail }],
  })
