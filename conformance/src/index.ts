/**
 * @module @rh/conformance — the REST Hooks conformance suites: `runServerSuite` checks a server
 * over HTTP, `runReceiverSuite` checks a webhook receiver; the `rh-conformance` CLI runs either.
 */
export { formatJUnit, formatTap } from './ci-formats'
export { ConformanceError, type ConformanceErrorCode } from './errors'
export type { FetchLike } from './http'
export { type ReceiverSuiteOptions, receiverCases, runReceiverSuite } from './receiver-suite'
export {
  type CaseResult,
  type CaseStatus,
  formatReport,
  formatResult,
  type Level,
  levels,
  type Progress,
  type SuiteReport,
  summaryLine,
} from './report'
export type { Profile } from './server-api'
export {
  RETRY_EARLY_TOLERANCE,
  refusedTargets,
  runServerSuite,
  type ServerSuiteOptions,
  serverCases,
} from './server-suite/index'
export { createTrigger, type Trigger, type TriggerEvent } from './trigger'
