import { describe, expect, it } from 'vitest'

/** The runtime this file is executing on, as `npm test` names its legs. */
function currentRuntime(): string {
  if ('Bun' in globalThis) return 'bun'
  if ('Deno' in globalThis) return 'deno'
  return `node${process.versions.node.split('.')[0]}`
}

describe('the test matrix', () => {
  // `npm test` sets RH_RUNTIME per leg; if a leg silently ran on another runtime, this fails.
  it.runIf(process.env.RH_RUNTIME)('runs each leg on the runtime it names', () => {
    expect(currentRuntime()).toBe(process.env.RH_RUNTIME)
  })

  it('has WebCrypto Ed25519 and HMAC, which @rh/protocol relies on', async () => {
    const pair = await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])
    const hmac = await crypto.subtle.importKey(
      'raw',
      new Uint8Array(32),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['sign'],
    )
    expect(pair).toHaveProperty('privateKey')
    expect(hmac.type).toBe('secret')
  })
})
