/** Crockford base32: no I, L, O, U, so ids read aloud and sort as text. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const RANDOM_DIGITS = 16

let lastTime = -1
const lastRandom = new Uint8Array(RANDOM_DIGITS)

/**
 * A new id: `prefix_` and a 26-character ULID (48-bit millisecond time, 80 random bits, Crockford
 * base32, upper case). Monotonic in the process: within one millisecond, or when the clock goes
 * back, the random part is incremented, so every id sorts after the one before. Stores rely on
 * that order for stable newest-first pages.
 *
 * @param prefix `sub`, `msg`, `atm`, ...; the `_` is added.
 * @param now The time to encode, in ms since the epoch; default `Date.now()`. Pass the injected
 *   clock's time so ids follow it.
 *
 * @example
 * newId('sub') // 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC'
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now > lastTime) {
    lastTime = now
    crypto.getRandomValues(lastRandom)
    // The top digit keeps one bit of headroom, so increments within a millisecond never overflow.
    for (let i = 0; i < RANDOM_DIGITS; i++) lastRandom[i] = (lastRandom[i] as number) & 31
    lastRandom[0] = (lastRandom[0] as number) & 15
  } else {
    increment()
  }
  let time = ''
  for (let t = lastTime, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time
  let random = ''
  for (const digit of lastRandom) random += ALPHABET[digit]
  return `${prefix}_${time}${random}`
}

function increment() {
  for (let i = RANDOM_DIGITS - 1; i >= 0; i--) {
    if ((lastRandom[i] as number) < 31) {
      lastRandom[i] = (lastRandom[i] as number) + 1
      return
    }
    lastRandom[i] = 0
  }
  // 2^79 ids in one millisecond: move to the next one rather than wrap around.
  lastTime++
}
