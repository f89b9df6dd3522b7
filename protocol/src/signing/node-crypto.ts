/**
 * The slice of `node:crypto` the fast path uses, typed here so that `@rh/protocol` has no static
 * `node:` import and no dependency on `@types/node`: it must bundle for browsers.
 */
export interface NodeCrypto {
  createHmac(algorithm: 'sha256', key: NodeKeyObject): NodeHash
  createHash(algorithm: 'sha256'): NodeHash
  /** One-shot digest (Node >= 20.12); the output as latin1 (one char per byte) or base64. */
  hash?(algorithm: 'sha256', data: Uint8Array, outputEncoding: 'latin1' | 'base64'): string
  createSecretKey(key: Uint8Array): NodeKeyObject
  createPrivateKey(key: { key: Uint8Array; format: 'der'; type: 'pkcs8' }): NodeKeyObject
  createPublicKey(
    key: NodeKeyObject | { key: Uint8Array; format: 'der'; type: 'spki' },
  ): NodeKeyObject
  sign(algorithm: null, data: Uint8Array, key: NodeKeyObject): Uint8Array
  verify(algorithm: null, data: Uint8Array, key: NodeKeyObject, signature: Uint8Array): boolean
  timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean
}

export interface NodeHash {
  update(data: string | Uint8Array): NodeHash
  digest(): Uint8Array
  digest(encoding: 'base64'): string
  copy(): NodeHash
}

export interface NodeKeyObject {
  export(options: { format: 'der'; type: 'spki' }): Uint8Array
}

interface ProcessWithBuiltins {
  getBuiltinModule?: (id: string) => unknown
}

/**
 * `node:crypto` when the runtime offers it synchronously through `process.getBuiltinModule`
 * (Node >= 20.16, Bun, Deno), else `undefined` (browsers, workers, older Node): callers then use
 * WebCrypto. Looked up once.
 *
 * @example
 * const crypto = nodeCrypto()
 * if (crypto) crypto.createHash('sha256')
 */
export function nodeCrypto(): NodeCrypto | undefined {
  if (cached === null) {
    const process = (globalThis as { process?: ProcessWithBuiltins }).process
    let found: NodeCrypto | undefined
    try {
      const module = process?.getBuiltinModule?.('node:crypto') as NodeCrypto | undefined
      if (
        typeof module?.createHmac === 'function' &&
        typeof module.timingSafeEqual === 'function'
      ) {
        found = module
      }
    } catch {
      found = undefined
    }
    cached = found
  }
  return cached
}

let cached: NodeCrypto | undefined | null = null
