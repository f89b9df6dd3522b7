import { parseArgs } from 'node:util'
import { formatJUnit, formatTap } from './ci-formats'
import { ConformanceError } from './errors'
import { runReceiverSuite } from './receiver-suite'
import { formatReport, type Level, levels, type Progress, type SuiteReport } from './report'
import type { Profile } from './server-api'
import { runServerSuite, type ServerSuiteOptions } from './server-suite/index'

/** Where the CLI writes: the report to `stdout`, progress and usage errors to `stderr`. */
export interface CliIo {
  stdout(text: string): void
  stderr(text: string): void
}

/** The CLI's help text. */
export const usage = `rh-conformance: check a REST Hooks server or webhook receiver against the rh protocol

  rh-conformance server --url <base> --trigger <url|command> [options]
  rh-conformance receiver --url <target> --secret <whsec_...> [options]

server options
  --url <base>               mount prefix of the subscription API (http://127.0.0.1:3000/hooks)
  --trigger <url|command>    URL the suite POSTs { owner?, event, data } to, or a shell command
                             with {event} {data} {owner} replaced by quoted words
  --auth "Bearer x"          authorization of the first owner
  --auth2 "Bearer y"         authorization of a second owner (owner isolation)
  --trigger-header "name: value"
                             a header sent with every POST to a URL trigger (repeatable):
                             --trigger-header "authorization: Bearer key" for rh serve's /events
  --owner <id>               sent to the trigger as owner (and as user_id by the go-resthooks
                             profile)
  --strict-url <base>        an instance that refuses private targets (SSRF cases); without it
                             they run against --url if it refuses loopback, else are skipped
  --profile rh|go-resthooks  route shape (default rh)
  --level core,crud,...      levels to run: ${levels.join(',')} (default all)
  --secret whsec_...         signing secret, when the server returns none per subscription
  --retry-schedule 5,15,45   seconds the server waits before each retry (default 5,15,45)
  --disable-after <n>        the server's threshold of failed deliveries before it disables a
                             subscription (the auto-disable case is skipped without it)
  --timeout <s>              how long a delivery may take besides retry delays (default 10)
  --case <id>                run only this case (repeatable)

receiver options
  --url <target>             where a server would POST deliveries
  --secret whsec_...         the secret the receiver verifies with
  --event <name>             event name of the deliveries (default conformance.test)
  --skip-handshake           do not check the answer to rh.handshake

  --format text|json|junit|tap
                             how the report is printed (default text): junit is JUnit XML, tap
                             is TAP 14, for CI
  --json                     print the report as JSON (--format json)
  --help                     print this text

Exit status: 0 when no case failed, 1 when one did or the server cannot be reached, 2 on bad
usage.`

const options = {
  url: { type: 'string' },
  trigger: { type: 'string' },
  'trigger-header': { type: 'string', multiple: true },
  format: { type: 'string' },
  auth: { type: 'string' },
  auth2: { type: 'string' },
  owner: { type: 'string' },
  'strict-url': { type: 'string' },
  profile: { type: 'string' },
  level: { type: 'string' },
  secret: { type: 'string' },
  'retry-schedule': { type: 'string' },
  timeout: { type: 'string' },
  'disable-after': { type: 'string' },
  case: { type: 'string', multiple: true },
  event: { type: 'string' },
  'skip-handshake': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

const formats = ['text', 'json', 'junit', 'tap'] as const
type Format = (typeof formats)[number]
const printers: Record<Format, (report: SuiteReport) => string> = {
  text: formatReport,
  json: (report) => JSON.stringify(report, null, 2),
  junit: formatJUnit,
  tap: formatTap,
}

/** `name: value` pairs of `--trigger-header` as a record. */
function parseHeaders(lines: readonly string[]): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of lines) {
    const colon = line.indexOf(':')
    const name = line.slice(0, colon).trim()
    if (colon < 1 || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      usageError(`--trigger-header takes "name: value", not ${JSON.stringify(line)}`)
    }
    headers[name.toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

function usageError(message: string): never {
  throw new ConformanceError('invalid_options', message)
}

function seconds(text: string, flag: string): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < 0) {
    usageError(`${flag} takes seconds, not ${JSON.stringify(text)}`)
  }
  return Math.round(value * 1000)
}

const progressLine = (progress: Progress) =>
  progress.type === 'start'
    ? `[${progress.index + 1}/${progress.total}] ${progress.id}: ${progress.title}\n`
    : progress.result.status === 'failed'
      ? `[${progress.index + 1}/${progress.total}] ${progress.result.id} FAILED: ${progress.result.reason}\n`
      : ''

/**
 * Runs the CLI with `argv` (without the node and script paths) and resolves with the exit status.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2))
 */
export async function main(
  argv: readonly string[],
  io: CliIo = {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  },
): Promise<number> {
  let report: SuiteReport
  let format: Format = 'text'
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options,
      allowPositionals: true,
      strict: true,
    })
    if (values.help) {
      io.stdout(`${usage}\n`)
      return 0
    }
    if (values.json) format = 'json'
    if (values.format !== undefined) {
      if (!formats.includes(values.format as Format)) {
        usageError(`--format is ${formats.join(', ')}, not ${values.format}`)
      }
      format = values.format as Format
    }
    const [command, ...rest] = positionals
    if (rest.length > 0) usageError(`unexpected argument ${rest[0]}`)
    if (!values.url) usageError('--url is required')
    const onProgress = (progress: Progress) => io.stderr(progressLine(progress))
    if (command === 'server') {
      if (!values.trigger) usageError('--trigger is required')
      const profile = values.profile ?? 'rh'
      if (profile !== 'rh' && profile !== 'go-resthooks') {
        usageError(`--profile is rh or go-resthooks, not ${profile}`)
      }
      const suite: ServerSuiteOptions = { url: values.url, trigger: values.trigger, onProgress }
      suite.profile = profile as Profile
      if (values.auth) suite.auth = values.auth
      if (values.auth2) suite.auth2 = values.auth2
      if (values.owner) suite.owner = values.owner
      if (values['trigger-header']) suite.triggerHeaders = parseHeaders(values['trigger-header'])
      if (values['strict-url']) suite.strictUrl = values['strict-url']
      if (values.secret) suite.secret = values.secret
      if (values.case) suite.only = values.case
      if (values.level) {
        const wanted = values.level.split(',').map((level) => level.trim())
        const unknown = wanted.find((level) => !levels.includes(level as Level))
        if (unknown !== undefined) usageError(`unknown level ${unknown} (${levels.join(', ')})`)
        suite.levels = wanted as Level[]
      }
      if (values['retry-schedule']) {
        suite.retrySchedule = values['retry-schedule']
          .split(',')
          .map((delay) => seconds(delay, '--retry-schedule'))
      }
      if (values.timeout) suite.timeoutMs = seconds(values.timeout, '--timeout')
      if (values['disable-after']) {
        const threshold = Number(values['disable-after'])
        if (!Number.isInteger(threshold) || threshold < 1) {
          usageError(`--disable-after takes a whole number, not ${values['disable-after']}`)
        }
        suite.disableAfter = threshold
      }
      report = await runServerSuite(suite)
    } else if (command === 'receiver') {
      if (!values.secret) usageError('--secret is required')
      report = await runReceiverSuite({
        url: values.url,
        secret: values.secret,
        onProgress,
        ...(values.event ? { event: values.event } : {}),
        ...(values.case ? { only: values.case } : {}),
        ...(values['skip-handshake'] ? { handshake: false } : {}),
      })
    } else {
      usageError(command ? `unknown command ${command}` : 'say server or receiver')
    }
  } catch (error) {
    if (error instanceof ConformanceError && error.code === 'unreachable') {
      io.stderr(`rh-conformance: ${error.message}\n`)
      return 1
    }
    const isUsage =
      (error instanceof ConformanceError && error.code === 'invalid_options') ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE'))
    if (!isUsage) throw error
    io.stderr(`rh-conformance: ${error.message}\n\n${usage}\n`)
    return 2
  }
  io.stdout(`${printers[format](report)}\n`)
  return report.ok ? 0 : 1
}
