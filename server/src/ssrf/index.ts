export { addressRefusal, isGlobalAddress } from './address-refusal'
export {
  checkUrl,
  type GuardedTarget,
  type GuardOptions,
  guardTarget,
  ipLiteralOf,
  type Resolve,
  resolveAll,
  safeGuardTarget,
} from './guard-target'
export { formatIPv4, type ParsedIp, parseIPv4, parseIPv6, parseIp } from './parse-ip'
