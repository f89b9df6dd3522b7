#!/usr/bin/env node
// The `rh` command of @rh/server, on the built output (npm run build).
import { main } from '../dist/cli.js'

process.exit(await main(process.argv.slice(2), process.env))
