/** One structured log line: what happened, and its details. */
export type LogFields = Record<string, unknown>

/** Writes one JSON object per line. */
export interface JsonLogger {
  info(msg: string, fields?: LogFields): void
  warn(msg: string, fields?: LogFields): void
  error(msg: string, fields?: LogFields): void
}

/**
 * A logger that writes one JSON line per event (`{"time","level","msg",...}`), for log
 * shippers. `write` and `now` are injected so tests read the lines.
 *
 * @example
 * const log = jsonLogger()
 * log.info('start', { port: 8080 }) // {"time":"...","level":"info","msg":"start","port":8080}
 */
export function jsonLogger(
  write: (line: string) => void = (line) => process.stdout.write(line),
  now: () => number = Date.now,
): JsonLogger {
  const log =
    (level: string) =>
    (msg: string, fields: LogFields = {}) => {
      write(
        `${JSON.stringify({ time: new Date(now()).toISOString(), level, msg, ...fields }, replacer)}\n`,
      )
    }
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

/** Errors become `{ name, message }` instead of `{}`. */
function replacer(_key: string, value: unknown) {
  return value instanceof Error ? { name: value.name, message: value.message } : value
}
