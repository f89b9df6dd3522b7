/** Crockford base32: no I, L, O, U, so ids read aloud and sort as text. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const ALPHABET_CODES = Array.from(ALPHABET, (c) => c.charCodeAt(0))
const UNDERSCORE = 95
const RANDOM_DIGITS = 16
/** The low digits that take a random step per id within a millisecond: 50 bits. */
const STEP_DIGITS = 10

let lastTime = -1
const lastRandom = new Uint8Array(RANDOM_DIGITS)

/**
 * A new id: `prefix_` and a 26-character ULID (48-bit millisecond time, 80 random bits, Crockford
 * base32, upper case). Monotonic in the process: within one millisecond, or when the clock goes
 * back, the random part grows by a random step of up to 50 bits, so every id sorts after the one
 * before and yet none can be told from its neighbour (ids minted for different owners in one
 * millisecond are not consecutive). Stores rely on that order for stable newest-first pages.
 * Ids are not secrets: they name things, they grant nothing.
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
    takeRandom(lastRandom)
    // The top digit keeps one bit of headroom, so increments within a millisecond never overflow.
    for (let i = 0; i < RANDOM_DIGITS; i++) lastRandom[i] = (lastRandom[i] as number) & 31
    lastRandom[0] = (lastRandom[0] as number) & 15
  } else {
    increment()
  }
  // Built from char codes in one call: a flat string, not a rope of concatenations (a rope costs
  // ~5x the memory per id, and a queue holds 100,000 of them). The code array is reused: three
  // ids are made per delivery, and a fresh array each time was most of their garbage.
  const p = prefix.length + 1
  let codes = codeArrays[p]
  if (codes === undefined) {
    codes = new Array<number>(p + 26).fill(0)
    codeArrays[p] = codes
  }
  for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i)
  codes[p - 1] = UNDERSCORE
  // The time digits change once a millisecond but ids are made many times in one: encoding
  // them (ten divisions) was half of the cost.
  if (timeCodesOf !== lastTime) encodeTime(lastTime)
  for (let i = 0; i < 10; i++) codes[p + i] = timeCodes[i]!
  for (let i = 0; i < RANDOM_DIGITS; i++) codes[p + 10 + i] = ALPHABET_CODES[lastRandom[i]!]!
  if (p === 4) {
    // Every prefix in use has three letters. Spelled-out arguments instead of a spread: on Bun
    // (JavaScriptCore) the spread was a third of an id's cost (~55 of ~150 ns).
    const c = codes
    return String.fromCharCode(
      c[0]!,
      c[1]!,
      c[2]!,
      c[3]!,
      c[4]!,
      c[5]!,
      c[6]!,
      c[7]!,
      c[8]!,
      c[9]!,
      c[10]!,
      c[11]!,
      c[12]!,
      c[13]!,
      c[14]!,
      c[15]!,
      c[16]!,
      c[17]!,
      c[18]!,
      c[19]!,
      c[20]!,
      c[21]!,
      c[22]!,
      c[23]!,
      c[24]!,
      c[25]!,
      c[26]!,
      c[27]!,
      c[28]!,
      c[29]!,
    )
  }
  return String.fromCharCode(...codes)
}

/** The ten time digits' char codes of the millisecond `timeCodesOf`. */
const timeCodes = new Array<number>(10).fill(0)
let timeCodesOf = -1

function encodeTime(time: number) {
  timeCodesOf = time
  for (let t = time, i = 9; i >= 0; i--, t = Math.floor(t / 32))
    timeCodes[i] = ALPHABET_CODES[t % 32]!
}

/** One char-code array per id length (the prefix's length + 27), refilled by every call. */
const codeArrays: number[][] = []

// Random bytes are drawn from the system in 4 KiB batches: one call per 256 milliseconds of ids
// instead of one per millisecond.
const pool = new Uint8Array(4096)
let poolOffset = pool.length

function takeRandom(target: Uint8Array) {
  if (poolOffset + target.length > pool.length) {
    crypto.getRandomValues(pool)
    poolOffset = 0
  }
  target.set(pool.subarray(poolOffset, poolOffset + target.length))
  poolOffset += target.length
}

const step = new Uint8Array(STEP_DIGITS)

/** Adds a random step of 1 to 2^50 to the random part (digit by digit, with carry). */
function increment() {
  takeRandom(step)
  let carry = 1
  for (let i = RANDOM_DIGITS - 1; i >= 0; i--) {
    const j = i - (RANDOM_DIGITS - STEP_DIGITS)
    const sum = (lastRandom[i] as number) + (j >= 0 ? (step[j] as number) & 31 : 0) + carry
    lastRandom[i] = sum & 31
    carry = sum >> 5
    if (carry === 0 && j <= 0) return
  }
  // The random part overflowed (some 2^29 ids in one millisecond): move to the next one rather
  // than wrap around.
  lastTime++
}
