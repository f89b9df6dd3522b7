import pkg from '../../package.json' with { type: 'json' }
import { createLogger } from './create-logger'
import { serve } from './serve'
import { parseServeConfig, serveUsage, UsageError } from './serve-config'

const usage = `Usage: rh <command> [options]

Commands:
  serve    run the standalone REST Hooks service (rh serve --help)

  -v, --version   print the version
`

/**
 * The `rh` command line. Returns the exit status once the command is done; `rh serve` runs until
 * SIGTERM or SIGINT, then shuts down gracefully and returns 0.
 *
 * @example
 * process.exitCode = await main(process.argv.slice(2), process.env)
 */
export async function main(
  argv: readonly string[],
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const [command, ...rest] = argv
  if (['--version', '-v'].includes(command ?? '') || (command === 'serve' && isVersion(rest))) {
    process.stdout.write(`rh ${pkg.version}\n`)
    return 0
  }
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage)
    return command === undefined ? 2 : 0
  }
  if (command !== 'serve') {
    process.stderr.write(`rh: unknown command "${command}" (see rh --help)\n`)
    return 2
  }
  let config: ReturnType<typeof parseServeConfig>
  try {
    config = parseServeConfig(rest, env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`rh serve: ${error.message} (see rh serve --help)\n`)
    return 2
  }
  if (config === null) {
    process.stdout.write(serveUsage)
    return 0
  }
  const log = createLogger({ format: config.logFormat, level: config.logLevel })
  let service: Awaited<ReturnType<typeof serve>>
  try {
    service = await serve(config, { log })
  } catch (error) {
    log.error('start_failed', { error })
    return 1
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'))
    process.once('SIGINT', () => resolve('SIGINT'))
  })
  log.info('signal', { signal })
  await service.close()
  return 0
}

/** `--version` or `-v` among the arguments, before any `--` that ends the options. */
function isVersion(args: readonly string[]): boolean {
  const end = args.indexOf('--')
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === '--version' || arg === '-v')
}
