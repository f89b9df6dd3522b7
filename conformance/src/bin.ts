/** @module the `rh-conformance` executable: runs {@link main} with the process's arguments. */
import { main } from './cli'

main(process.argv.slice(2)).then(
  (status) => {
    process.exitCode = status
  },
  (error: unknown) => {
    process.stderr.write(`rh-conformance: ${error instanceof Error ? error.stack : error}\n`)
    process.exitCode = 1
  },
)
