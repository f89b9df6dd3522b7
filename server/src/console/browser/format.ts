/**
 * A time as the console shows it: ISO-8601 in UTC to the second, `—` for none.
 *
 * @example
 * formatTime('2025-01-31T12:05:00.123Z') // '2025-01-31 12:05:00Z'
 */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—'
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return iso
  return `${date.toISOString().slice(0, 19).replace('T', ' ')}Z`
}

/**
 * A value of an `<input type="datetime-local">` (the browser's local time) as ISO-8601, or
 * `undefined` when empty or invalid.
 *
 * @example
 * localInputToIso('2025-01-31T12:05') // '2025-01-31T11:05:00.000Z' in UTC+1
 */
export function localInputToIso(value: string): string | undefined {
  if (value === '') return undefined
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString()
}

/**
 * An ISO time as an `<input type="datetime-local">` value in the browser's local time.
 *
 * @example
 * isoToLocalInput(new Date().toISOString()) // '2025-01-31T12:05'
 */
export function isoToLocalInput(iso: string | undefined): string {
  if (!iso) return ''
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) return ''
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000)
  return local.toISOString().slice(0, 16)
}

/**
 * How many of the newest attempts (newest first) failed in a row: the subscription's current
 * failure streak as far as `attempts` reaches, with `+` when all of them failed and more may have.
 *
 * @example
 * failureStreak([{ outcome: 'failed' }, { outcome: 'delivered' }], false) // '1'
 */
export function failureStreak(attempts: readonly { outcome: string }[], more: boolean): string {
  const index = attempts.findIndex((attempt) => attempt.outcome !== 'failed')
  if (index === -1) return `${attempts.length}${more && attempts.length > 0 ? '+' : ''}`
  return String(index)
}

/**
 * A duration in ms as people read it.
 *
 * @example
 * formatDuration(1530) // '1.53 s'
 */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`
}
