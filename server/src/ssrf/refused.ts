/** Code of the error raised when a target is refused before or while connecting. */
export const TARGET_REFUSED = 'ERR_RH_TARGET_REFUSED'

/**
 * The error a transport throws (or a lookup reports) for a refused target: `code` is
 * {@link TARGET_REFUSED}, so `describeNetworkError` records its message as the attempt's error.
 *
 * @example
 * throw refused('target refused: 127.0.0.1 is loopback')
 */
export const refused = (message: string): Error =>
  Object.assign(new Error(message), { code: TARGET_REFUSED })
