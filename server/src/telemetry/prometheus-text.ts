/**
 * Writers of the Prometheus text exposition format (0.0.4), just what rh's few metrics need: a
 * `# HELP` and `# TYPE` header, then samples with escaped label values.
 */

/** The `content-type` of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** One sample: labels (may be empty) and a value. */
export interface Sample {
  labels?: Record<string, string>
  value: number
}

/**
 * A metric family: its header and samples, each line ending in `\n`.
 *
 * @example
 * family('rh_queue_depth', 'gauge', 'Pending deliveries.', [{ value: 3 }])
 * // '# HELP rh_queue_depth Pending deliveries.\n# TYPE rh_queue_depth gauge\nrh_queue_depth 3\n'
 */
export function family(
  name: string,
  type: 'counter' | 'gauge' | 'histogram',
  help: string,
  samples: readonly (Sample & { suffix?: string })[],
): string {
  let text = `# HELP ${name} ${help.replaceAll('\\', '\\\\').replaceAll('\n', '\\n')}\n# TYPE ${name} ${type}\n`
  for (const sample of samples) {
    text += `${name}${sample.suffix ?? ''}${labelText(sample.labels)} ${number(sample.value)}\n`
  }
  return text
}

/** `{a="1",b="2"}`, or nothing without labels. */
function labelText(labels: Record<string, string> | undefined): string {
  if (!labels) return ''
  const pairs = Object.entries(labels).map(([key, value]) => `${key}="${escapeLabel(value)}"`)
  return pairs.length === 0 ? '' : `{${pairs.join(',')}}`
}

function escapeLabel(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll('"', '\\"').replaceAll('\n', '\\n')
}

/** A sample value: `+Inf`, `-Inf`, `NaN` as the format spells them. */
export function number(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Number.POSITIVE_INFINITY) return '+Inf'
  if (value === Number.NEGATIVE_INFINITY) return '-Inf'
  return String(value)
}
