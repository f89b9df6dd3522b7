export type { ServerCase, ServerContext } from './context'
export { RETRY_EARLY_TOLERANCE } from './core'
export { runServerSuite, type ServerSuiteOptions, serverCases } from './run-server-suite'
export { refusedTargets } from './security'
