/** Runs the `rh` command line from source: `tsx --conditions=source server/src/cli/rh.ts serve`. */
import { main } from './main'

const code = await main(process.argv.slice(2), process.env)
process.exit(code)
