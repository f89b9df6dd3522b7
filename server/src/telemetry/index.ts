export type { AttemptObserver } from './attempt-observer'
export { createTelemetry, type Telemetry, type TelemetryOptions } from './create-telemetry'
export type {
  Attributes,
  AttributeValue,
  MeterLike,
  SpanContextLike,
  SpanLike,
  SpanOptionsLike,
  TracerLike,
} from './otel-types'
export { type PrometheusMetrics, prometheusMetrics } from './prometheus-metrics'
export type { SubscriptionCounts } from './sample-gauges'
