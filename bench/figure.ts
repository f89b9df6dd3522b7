/** One line of the report: a measured figure beside the baseline measured in the same run. */
export interface Figure {
  /** The benchmark it belongs to, e.g. `delivery`. */
  bench: string
  /** What was measured, e.g. `rh (memory queue)`. */
  name: string
  value: number
  /** e.g. `deliveries/s`, `req/s`, `bytes/item`. */
  unit: string
  baseline: { name: string; value: number } | null
  /** `value / baseline.value` (or its inverse when lower is better), 2 decimals. */
  ratio: number | null
  /**
   * The ratio the project aims for (`ratio >= goal`), or, with `lowerIsBetter`, a ceiling: on the
   * ratio when there is a baseline, on the value when there is none.
   */
  goal: number | null
  lowerIsBetter?: boolean
}

/**
 * A {@link Figure} that compares `value` with a baseline of the same unit (higher is better).
 *
 * @example
 * compare('delivery', 'rh (memory)', 9000, 'deliveries/s', { name: 'undici', value: 10000 }, 0.8)
 */
export function compare(
  bench: string,
  name: string,
  value: number,
  unit: string,
  baseline: { name: string; value: number },
  goal: number | null = null,
): Figure {
  const ratio = baseline.value > 0 ? Math.round((value / baseline.value) * 100) / 100 : null
  return { bench, name, value, unit, baseline, ratio, goal }
}

/** Whether a figure meets its goal (`null` when it has none). */
export function meetsGoal(figure: Figure): boolean | null {
  if (figure.goal === null) return null
  if (figure.lowerIsBetter) {
    return figure.baseline
      ? figure.ratio !== null && figure.ratio <= figure.goal
      : figure.value <= figure.goal
  }
  return figure.ratio !== null && figure.ratio >= figure.goal
}
