/**
 * @module @rh/server/node — serves `createResthooks(...)` (or any fetch handler) from
 * `node:http`, Express or Connect.
 */
export { type FetchHandler, type NodeHandler, toNodeHandler } from './to-node-handler'
