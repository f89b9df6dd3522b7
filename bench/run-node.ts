import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { nodeBinary } from './node-binary'

/** The repository root: where `--import tsx` and `node_modules` resolve. */
export const repoRoot = fileURLToPath(new URL('..', import.meta.url))

/**
 * Runs Node ({@link nodeBinary}) with `args` in the repository root and resolves with its
 * standard output; rejects with its standard error when it exits non-zero.
 *
 * @example
 * const version = await runNode(['--version'])
 */
export function runNode(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBinary(), args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk
    })
    child.once('error', reject)
    child.once('close', (code) => {
      if (code === 0) resolve(stdout)
      else
        reject(
          new Error(`node ${args.slice(0, 3).join(' ')}… exited with ${code}: ${stderr.trim()}`),
        )
    })
  })
}
