/**
 * @module @rh/server/testing — test kits for rh servers and their storage: the vitest suites
 * every store and queue must pass, and a manual clock.
 */
export { deliveryQueueSuite } from './delivery-queue-suite'
export { type ManualClock, manualClock } from './manual-clock'
export { subscriptionStoreSuite } from './subscription-store-suite'
