export { createRecovery, type RecoveryOptions } from './create-recovery'
export type { Recovery, TestAttempt } from './recovery'
export { DEFAULT_ROTATION_GRACE_MS } from './rotate-secret'
export { PING_EVENT } from './send-test'
