/** The parts of an ISO-8601 timestamp as `TimestampSchema` accepts it (valibot's `isoTimestamp`). */
const ISO_TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(?:(Z)| ?([+-])(\d{2})(?::?(\d{2}))?)$/

/**
 * The instant of an ISO-8601 timestamp, in ms since the epoch, or `NaN` when it names no real
 * time (`2025-02-30T00:00:00Z`). Reads every form `TimestampSchema` accepts, the same on every
 * runtime (`Date.parse` differs between engines on `' '` and `+01` offsets, and rolls
 * February 30 over to March). Digits past the millisecond are dropped.
 *
 * @example
 * timestampToMs('2025-01-31T12:00:00.000Z') // 1738324800000
 * timestampToMs('2025-01-31 13:00:00+01') // 1738324800000
 */
export function timestampToMs(text: string): number {
  const match = ISO_TIMESTAMP.exec(text)
  if (!match) return Number.NaN
  const [, y, mo, d, h, mi, s, fraction, zulu, sign, offsetH, offsetM] = match
  const year = Number(y)
  const month = Number(mo) - 1
  const day = Number(d)
  const hours = Number(h)
  const minutes = Number(mi)
  const seconds = Number(s)
  if (hours > 23 || minutes > 59 || seconds > 59) return Number.NaN
  // setUTCFullYear, not Date.UTC, which reads years 0..99 as 1900..1999.
  const date = new Date(0)
  date.setUTCFullYear(year, month, day)
  date.setUTCHours(hours, minutes, seconds, Number((fraction ?? '').slice(0, 3).padEnd(3, '0')))
  // An impossible day rolls over (February 30 becomes March 2): then the parts no longer match.
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month || date.getUTCDate() !== day) {
    return Number.NaN
  }
  const time = date.getTime()
  if (zulu) return time
  const offsetMinutes = Number(offsetH) * 60 + Number(offsetM ?? '0')
  if (Number(offsetH) > 23 || Number(offsetM ?? '0') > 59) return Number.NaN
  return sign === '-' ? time + offsetMinutes * 60_000 : time - offsetMinutes * 60_000
}
