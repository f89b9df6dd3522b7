import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The Node executable for the bench's helper processes (receiver, memory probe): this process's
 * own when it is Node, else the repository's Node 24 (`node_modules/.bin/node`), else `node` on
 * the PATH. `RH_BENCH_NODE` overrides it.
 *
 * @example
 * spawn(nodeBinary(), ['bench/receiver.mjs'])
 */
export function nodeBinary(): string {
  const override = process.env.RH_BENCH_NODE
  if (override) return override
  const g = globalThis as { Bun?: unknown; Deno?: unknown }
  if (g.Bun === undefined && g.Deno === undefined) return process.execPath
  const local = fileURLToPath(new URL('../node_modules/.bin/node', import.meta.url))
  return existsSync(local) ? local : 'node'
}

/** The absolute path of a file in `bench/`. */
export function benchFile(name: string): string {
  return fileURLToPath(new URL(name, import.meta.url))
}
