import { exec } from 'node:child_process'
import { ConformanceError } from './errors'
import { type FetchLike, request } from './http'

/** What the suite asks the server under test to emit. */
export interface TriggerEvent {
  /** The owner to notify, when the suite was given one (`--owner`). */
  owner?: string
  event: string
  data: unknown
}

/** Makes the server under test emit one event; resolves once the server accepted it. */
export type Trigger = (event: TriggerEvent) => Promise<void>

const TRIGGER_TIMEOUT_MS = 30_000

/**
 * A trigger from its CLI spelling: an `http(s)://` URL the suite POSTs `{ owner?, event, data }`
 * to (any 2xx is success), or a shell command in which `{event}`, `{data}` (JSON) and `{owner}`
 * are replaced by single-quoted POSIX shell words (exit code 0 is success). A function is used
 * as it is. `headers` go with every POST of a URL trigger (an API key: `authorization`).
 *
 * @example
 * createTrigger('http://127.0.0.1:3000/test/notify')
 * createTrigger('./bin/notify --event {event} --data {data}')
 */
export function createTrigger(
  spec: string | Trigger,
  options: { fetch?: FetchLike; headers?: Record<string, string> } = {},
): Trigger {
  if (typeof spec === 'function') return spec
  if (/^https?:\/\//i.test(spec)) {
    const fetch = options.fetch ?? globalThis.fetch
    return async (event) => {
      let result: Awaited<ReturnType<typeof request>>
      try {
        result = await request(fetch, 'POST', spec, {
          body: event,
          headers: { ...options.headers },
        })
      } catch (cause) {
        throw new ConformanceError('trigger_failed', `the trigger ${spec} gave no answer`, {
          cause,
          expected: 'a 2xx answer',
          // fetch says only "fetch failed": its cause says what happened (the socket closed...).
          seen:
            cause instanceof Error && cause.cause instanceof Error
              ? `${cause.message}: ${cause.cause.message}`
              : String(cause),
        })
      }
      if (result.status < 200 || result.status > 299) {
        throw new ConformanceError('trigger_failed', `the trigger ${spec} refused the event`, {
          expected: 'a 2xx answer',
          seen: `${result.status} ${result.text.slice(0, 200)}`,
        })
      }
    }
  }
  return (event) =>
    new Promise((resolve, reject) => {
      const command = substitute(spec, event)
      exec(command, { timeout: TRIGGER_TIMEOUT_MS }, (error, _stdout, stderr) => {
        if (!error) return resolve()
        reject(
          new ConformanceError('trigger_failed', `the trigger command failed: ${command}`, {
            cause: error,
            expected: 'exit code 0',
            seen: `${error.code ?? error.signal ?? 'error'} ${String(stderr).slice(0, 200)}`,
          }),
        )
      })
    })
}

/**
 * The command with its placeholders replaced by single-quoted shell words.
 *
 * @example
 * substitute('notify {event} {data}', { event: 'a.b', data: { n: 1 } }) // "notify 'a.b' '{\"n\":1}'"
 */
export function substitute(command: string, event: TriggerEvent): string {
  const values: Record<string, string> = {
    event: event.event,
    data: JSON.stringify(event.data),
    owner: event.owner ?? '',
  }
  return command.replace(/\{(event|data|owner)\}/g, (_, name: string) => shellQuote(values[name]!))
}

const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`
