import { describe, expect, it } from 'vitest'
import { formatSignVerifyBench, runSignVerifyBench } from './sign-verify'

describe('runSignVerifyBench', () => {
  it('measures rh and standardwebhooks and reports the shape the bench runner reads', async () => {
    const result = await runSignVerifyBench({ iterations: 50 })
    const ops = { sign: expect.any(Number), verify: expect.any(Number) }
    expect(result).toEqual({
      runtime: expect.stringMatching(/^(node|bun|deno)$/),
      version: expect.stringMatching(/^\d+\.\d+\.\d+/),
      iterations: 50,
      bodyBytes: 300,
      rh: ops,
      rhWebCrypto: ops,
      standardwebhooks: ops,
      ratio: ops,
    })
    for (const value of [result.rh, result.rhWebCrypto, result.standardwebhooks].flatMap(
      Object.values,
    )) {
      expect(value).toBeGreaterThan(0)
    }
    expect(formatSignVerifyBench(result)).toContain('rh / standardwebhooks')
  })
})
