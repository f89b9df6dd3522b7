/**
 * @module @rh/server/console — a web console for one owner, as a fetch handler
 * (`createConsole(rh)`): subscriptions, the message log, attempts and the recovery actions, in
 * the browser, over the public HTTP API.
 */
export { type ConsoleOptions, createConsole, type RhConsole } from './create-console'
