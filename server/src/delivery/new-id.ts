const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
let lastTime = -1
let lastRandom: number[] = []

/**
 * A new id, `prefix_` + a 26-character ULID (48-bit time, 80 random bits, Crockford base32),
 * monotonic within a millisecond so ids sort by creation. Local to the delivery engine until a
 * shared `server/src/ids.ts` exists.
 *
 * @example
 * newId('msg') // 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
 */
export function newId(prefix: string, now: number = Date.now()): string {
  if (now <= lastTime) {
    increment(lastRandom)
  } else {
    lastTime = now
    lastRandom = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b & 31)
  }
  let time = ''
  for (let t = lastTime, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time
  return `${prefix}_${time}${lastRandom.map((n) => ALPHABET[n]).join('')}`
}

function increment(digits: number[]) {
  for (let i = digits.length - 1; i >= 0; i--) {
    if ((digits[i] as number) < 31) {
      digits[i] = (digits[i] as number) + 1
      return
    }
    digits[i] = 0
  }
}
