/**
 * @module @rh/server/cli — the `rh` command line: `rh serve`, a standalone REST Hooks service.
 */

export type { Storage } from '../storage'
export { type ApiKey, apiKeyAuthenticator, parseApiKeys } from './api-keys'
export { type JsonLogger, jsonLogger, type LogFields } from './json-logger'
export { main } from './main'
export { openStorage } from './open-storage'
export { PublishBodySchema, type PublishHandlerOptions, publishHandler } from './publish-handler'
export { type RunningService, serve } from './serve'
export { parseServeConfig, type ServeConfig, serveUsage, UsageError } from './serve-config'
