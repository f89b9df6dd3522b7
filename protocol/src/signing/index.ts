export { generateKeyPair, type KeyPair } from './generate-key-pair'
export { generateSecret } from './generate-secret'
export { ProtocolError, type ProtocolErrorCode, protocolErrorCodes } from './protocol-error'
export type { HeadersLike } from './read-headers'
export { createSigner, type Signer, type SignerOptions, type SignInput, sign } from './sign'
export {
  createVerifier,
  type SafeVerifyResult,
  safeVerify,
  type VerifiedMessage,
  type Verifier,
  type VerifierOptions,
  verify,
} from './verify'
