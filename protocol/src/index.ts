/**
 * @module @rh/protocol — the rh wire format: schemas, problem codes, and Standard Webhooks
 * compatible signing and verification on WebCrypto.
 */
export * from './schemas/index'
export * from './signing/index'
