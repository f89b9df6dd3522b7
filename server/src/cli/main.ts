import { jsonLogger } from './json-logger'
import { serve } from './serve'
import { parseServeConfig, serveUsage, UsageError } from './serve-config'

const usage = `Usage: rh <command> [options]

Commands:
  serve    run the standalone REST Hooks service (rh serve --help)
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
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(usage)
    return command === undefined ? 2 : 0
  }
  if (command !== 'serve') {
    process.stderr.write(`rh: unknown command "${command}"\n\n${usage}`)
    return 2
  }
  let config: ReturnType<typeof parseServeConfig>
  try {
    config = parseServeConfig(rest, env)
  } catch (error) {
    if (!(error instanceof UsageError)) throw error
    process.stderr.write(`rh serve: ${error.message}\n\n${serveUsage}`)
    return 2
  }
  if (config === null) {
    process.stdout.write(serveUsage)
    return 0
  }
  const log = jsonLogger()
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
