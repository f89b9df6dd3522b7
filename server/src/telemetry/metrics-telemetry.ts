import type { SqliteDriver } from '../sqlite/driver'
import type { Storage } from '../storage'
import type { TelemetryOptions } from './create-telemetry'
import type { PrometheusMetrics } from './prometheus-metrics'
import { storageSubscriptionCounts } from './storage-subscription-counts'

/**
 * The `telemetry` option of `rh serve --metrics`: the Prometheus metrics, with the subscriptions
 * gauge counted on the built-in storage (SQLite or PostgreSQL).
 *
 * @example
 * const prometheus = prometheusMetrics()
 * createResthooks({ ...options, telemetry: metricsTelemetry(prometheus, storage) })
 */
export function metricsTelemetry(
  prometheus: PrometheusMetrics,
  storage: Storage & { driver?: Promise<SqliteDriver>; sql?: unknown },
): TelemetryOptions {
  const countSubscriptions = storageSubscriptionCounts(storage)
  return { prometheus, ...(countSubscriptions ? { countSubscriptions } : {}) }
}
