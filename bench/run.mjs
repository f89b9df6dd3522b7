#!/usr/bin/env node
/**
 * @module bench/run — `npm run bench`: rh's benchmarks, each figure beside a baseline measured
 * in the same run.
 *
 *   npm run bench                         every benchmark, full sizes, on this Node
 *   npm run bench -- --quick              small sizes (a minute or so)
 *   npm run bench -- --only=delivery,fan-out
 *   npm run bench -- --runtime=bun        bun | deno | node, or several: --runtime=node,bun
 *   npm run bench -- --storages=memory    delivery on these queues only
 *   npm run bench -- --json               the report as JSON
 *
 * The benchmarks run against the SOURCES (`--conditions=source`, TypeScript through tsx on
 * Node, natively on Bun and Deno): no build step, never a stale `dist`. tsx and tsup both
 * compile with esbuild, so the code measured is the code shipped. Helper processes (receiver,
 * autocannon, memory probe) always run on Node. Use `/usr/bin/node bench/run.mjs` for Node 20.
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const main = fileURLToPath(new URL('main.ts', import.meta.url))
const args = process.argv.slice(2)
const runtimeFlag = args.find((arg) => arg.startsWith('--runtime='))
const runtimes = (runtimeFlag?.slice('--runtime='.length) ?? 'node').split(',')
const rest = args.filter((arg) => arg !== runtimeFlag)

const local = (name) => {
  const path = fileURLToPath(new URL(`../node_modules/.bin/${name}`, import.meta.url))
  return existsSync(path) ? path : name
}

const commands = {
  node: [process.execPath, '--expose-gc', '--import', 'tsx', '--conditions=source', main],
  bun: [local('bun'), '--conditions=source', main],
  deno: [local('deno'), 'run', '-A', '--conditions=source', main],
}

let failed = false
for (const runtime of runtimes) {
  const command = commands[runtime]
  if (!command) {
    console.error(`unknown runtime ${runtime}; choose node, bun or deno`)
    process.exit(2)
  }
  if (runtimes.length > 1) console.log(`\n=== ${runtime} ===`)
  const [bin, ...flags] = command
  const result = spawnSync(bin, [...flags, ...rest], { cwd: root, stdio: 'inherit' })
  if (result.error) throw result.error
  if (result.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
