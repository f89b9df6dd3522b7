import { describe, expect, it } from 'vitest'
import { ProtocolError, protocolErrorCodes } from './protocol-error'

describe('ProtocolError', () => {
  it('carries its name, code, message and cause', () => {
    const cause = new Error('root')
    const error = new ProtocolError('invalid_key', 'bad key', { cause })
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('ProtocolError')
    expect(error.code).toBe('invalid_key')
    expect(error.message).toBe('bad key')
    expect(error.cause).toBe(cause)
  })

  it('defaults the message to the description of its code', () => {
    expect(new ProtocolError('signature_mismatch').message).toBe(
      protocolErrorCodes.signature_mismatch,
    )
  })

  it('lists exactly the codes of the architecture document', () => {
    expect(Object.keys(protocolErrorCodes).sort()).toEqual(
      [
        'invalid_key',
        'missing_header',
        'unsigned_sender',
        'invalid_header',
        'invalid_signature_format',
        'invalid_timestamp',
        'timestamp_too_old',
        'timestamp_too_new',
        'signature_mismatch',
        'invalid_body',
        'invalid_payload',
      ].sort(),
    )
  })
})
