import { parseArgs } from 'node:util'
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
  --owner <id>               sent to the trigger as owner
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

  --json                     print the report as JSON
  --help                     print this text

Exit status: 0 when no case failed, 1 when one did, 2 on bad usage.`

const options = {
  url: { type: 'string' },
  trigger: { type: 'string' },
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
  let json = false
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
    json = values.json ?? false
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
    const isUsage =
      (error instanceof ConformanceError && error.code === 'invalid_options') ||
      (error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE'))
    if (!isUsage) throw error
    io.stderr(`rh-conformance: ${error.message}\n\n${usage}\n`)
    return 2
  }
  io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`)
  return report.ok ? 0 : 1
}
