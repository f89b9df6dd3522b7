import { describe, expect, it } from 'vitest'
import { MAX_SIGNATURES, parseSignatures } from './parse-signatures'

const v1 = 'g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE='
const v1a = `${'A'.repeat(85)}Q==`

describe('parseSignatures', () => {
  it('reads one entry', () => {
    expect(parseSignatures(`v1,${v1}`)).toEqual([{ version: 'v1', value: v1 }])
  })

  it('reads a space-separated list of v1 and v1a entries in order', () => {
    expect(parseSignatures(`v1a,${v1a} v1,${v1}`)).toEqual([
      { version: 'v1a', value: v1a },
      { version: 'v1', value: v1 },
    ])
  })

  it('reads a list combined from repeated header lines with ", "', () => {
    expect(parseSignatures(`v1,${v1}, v1,${v1}`)).toHaveLength(2)
  })

  it('tolerates extra spaces and tabs between entries', () => {
    expect(parseSignatures(` v1,${v1}  \tv1,${v1} `)).toHaveLength(2)
  })

  it('skips entries of unknown versions without checking them', () => {
    expect(parseSignatures(`v2,??? v1b,x v1,${v1}`)).toEqual([{ version: 'v1', value: v1 }])
  })

  it.each([
    ['an entry without a comma', v1],
    ['an empty version', `,${v1}`],
    ['a v1 value that is 33 bytes', `v1,${v1.slice(0, -1)}AA=`],
    ['a non-canonical v1 value (non-zero bits before the padding)', `v1,${v1.slice(0, 42)}F=`],
    ['a v1a value of 32 bytes', `v1a,${v1}`],
    ['a non-canonical v1a value', `v1a,${'A'.repeat(85)}B==`],
    ['a v1 value followed by a comma and more', `v1,${v1},extra`],
  ])('rejects %s', (_, header) => {
    expect(() => parseSignatures(header)).toThrow(
      expect.objectContaining({ code: 'invalid_signature_format' }),
    )
  })

  it(`accepts ${MAX_SIGNATURES} entries and rejects one more`, () => {
    const list = (n: number) => Array.from({ length: n }, () => `v1,${v1}`).join(' ')
    expect(parseSignatures(list(MAX_SIGNATURES))).toHaveLength(MAX_SIGNATURES)
    expect(() => parseSignatures(list(MAX_SIGNATURES + 1))).toThrow(
      expect.objectContaining({ code: 'invalid_signature_format' }),
    )
  })
})
