import { describe, expect, it } from 'vitest'
import file from '../../test-vectors.json'
import { ProtocolError } from './protocol-error'
import { sign } from './sign'
import { verify } from './verify'

interface Vector {
  name: string
  secret?: string
  publicKey?: string
  id: string
  timestamp: string
  now: number
  body: string
  signature: string
  valid: boolean
  error_code?: string
}

const vectors: Vector[] = file.vectors

const outcome = async (vector: Vector, fastPath: boolean) => {
  const key = vector.secret ?? vector.publicKey ?? ''
  const headers = {
    'webhook-id': vector.id,
    'webhook-timestamp': vector.timestamp,
    'webhook-signature': vector.signature,
  }
  const options = { now: () => vector.now * 1000, tolerance: file.tolerance, fastPath }
  try {
    await verify(key, new TextEncoder().encode(vector.body), headers, options)
    return { valid: true }
  } catch (error) {
    if (!(error instanceof ProtocolError)) throw error
    return { valid: false, error_code: error.code }
  }
}

describe('protocol/test-vectors.json', () => {
  it('covers v1 and v1a, valid and invalid, and every verification failure', () => {
    expect(vectors.some((v) => v.secret && v.valid)).toBe(true)
    expect(vectors.some((v) => v.publicKey && v.valid)).toBe(true)
    expect(new Set(vectors.flatMap((v) => v.error_code ?? []))).toEqual(
      new Set([
        'signature_mismatch',
        'timestamp_too_old',
        'timestamp_too_new',
        'invalid_timestamp',
        'invalid_header',
        'missing_header',
        'invalid_signature_format',
      ]),
    )
  })

  describe.each([true, false])('with fastPath %s', (fastPath) => {
    it.each(vectors.map((vector) => [vector.name, vector] as const))(
      'behaves as stated: %s',
      async (_, vector) => {
        const expected = vector.valid
          ? { valid: true }
          : { valid: false, error_code: vector.error_code }
        expect(await outcome(vector, fastPath)).toEqual(expected)
      },
    )
  })

  it('has valid signatures that rh reproduces from the keys', async () => {
    const { secretKey, publicKey } = file.keys.ed25519
    for (const vector of vectors.filter((v) => v.valid)) {
      const key = vector.secret ?? (vector.publicKey === publicKey ? secretKey : undefined)
      if (!key) throw new Error(`no signing key for ${vector.name}`)
      const ours = await sign(key, {
        id: vector.id,
        timestamp: Number(vector.timestamp),
        body: vector.body,
      })
      expect(vector.signature.split(' ')).toContain(ours)
    }
  })
})
