/**
 * @module @rh/client/node — serve a receiver from `node:http`, Express or Connect.
 */
export { type NodeHandler, type NodeRequest, toNodeHandler } from './to-node-handler'
