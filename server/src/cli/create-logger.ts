import { type JsonLogger, jsonLogger, type LogFields } from './json-logger'
import { type LogFormat, type LogLevel, logLevels } from './serve-config'

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  format?: LogFormat
  /** The least severe level written; default `info`. */
  level?: LogLevel
  write?: (line: string) => void
  now?: () => number
}

/**
 * The logger of `rh serve`: JSON lines (`format: 'json'`, the default) or one readable line
 * per event (`pretty`: `12:00:00.000 INFO  start url=http://127.0.0.1:8080 storage=sqlite`),
 * dropping levels below `level`.
 *
 * @example
 * const log = createLogger({ format: 'pretty', level: 'warn' })
 * log.info('start') // not written
 */
export function createLogger(options: LoggerOptions = {}): JsonLogger {
  const write = options.write ?? ((line: string) => process.stdout.write(line))
  const now = options.now ?? Date.now
  const base = options.format === 'pretty' ? prettyLogger(write, now) : jsonLogger(write, now)
  const least = logLevels.indexOf(options.level ?? 'info')
  const at = (level: 'info' | 'warn' | 'error') =>
    logLevels.indexOf(level) >= least ? base[level] : () => {}
  return { info: at('info'), warn: at('warn'), error: at('error') }
}

function prettyLogger(write: (line: string) => void, now: () => number): JsonLogger {
  const log =
    (level: string) =>
    (msg: string, fields: LogFields = {}) => {
      const time = new Date(now()).toISOString().slice(11, 23)
      const rest = Object.entries(fields)
        .filter(([, value]) => value !== undefined)
        .map(([key, value]) => `${key}=${show(value)}`)
        .join(' ')
      write(`${time} ${level.toUpperCase().padEnd(5)} ${msg}${rest ? ` ${rest}` : ''}\n`)
    }
  return { info: log('info'), warn: log('warn'), error: log('error') }
}

function show(value: unknown): string {
  if (value instanceof Error) {
    const code = (value as { code?: unknown }).code
    return JSON.stringify(`${value.name}: ${value.message}${code ? ` (${String(code)})` : ''}`)
  }
  if (typeof value === 'string') return /^[^\s"=]+$/.test(value) ? value : JSON.stringify(value)
  return JSON.stringify(value) ?? String(value)
}
