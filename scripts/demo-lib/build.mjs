import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The packages the demo imports (by name, from their dist) or runs (`rh serve`). */
export const demoPackages = ['protocol', 'client', 'server']

/**
 * Whether a package's build is missing or older than what it is built from: its `src/` (tests
 * aside), its `package.json` and `tsup.config.ts`, and the shared root `tsup.config.ts`.
 *
 * @example
 * if (isStale(root, 'server')) await build(root)
 */
export function isStale(root, name) {
  const dir = join(root, name)
  const built = files(join(dir, 'dist'))
  if (built.length === 0) return true
  const sources = [
    ...files(join(dir, 'src')).filter((file) => !/\.test(-d)?\.ts$/.test(file)),
    join(dir, 'package.json'),
    join(dir, 'tsup.config.ts'),
    join(root, 'tsup.config.ts'),
  ]
  const oldestBuilt = Math.min(...built.map(mtime))
  return sources.some((file) => mtime(file) > oldestBuilt)
}

/**
 * Runs `npm run build` from the repository root, output captured. Resolves with the time it
 * took; rejects with the build's output when it fails.
 *
 * @example
 * const ms = await build(root)
 */
export function build(root) {
  const started = Date.now()
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm'
  return new Promise((resolve, reject) => {
    const child = spawn(npm, ['run', 'build'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => {
      if (code === 0) resolve(Date.now() - started)
      else reject(new Error(`npm run build failed (exit ${code}):\n${output.trim()}`))
    })
  })
}

function files(dir) {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
  } catch {
    return []
  }
}

function mtime(file) {
  try {
    return statSync(file).mtimeMs
  } catch {
    return 0
  }
}

/**
 * Builds when a demo package is stale, silently when nothing is to do; `write` gets one line
 * when it builds. Rejects with the build's output when it fails.
 *
 * @example
 * await ensureBuilt(root, (text) => process.stdout.write(text))
 */
export async function ensureBuilt(root, write) {
  const stale = demoPackages.filter((name) => isStale(root, name))
  if (stale.length === 0) return { built: false }
  write(`npm run build (${stale.join(', ')} out of date) `)
  const ms = await build(root)
  write(`done in ${(ms / 1000).toFixed(1)} s\n`)
  return { built: true, ms }
}

// `node scripts/demo-lib/build.mjs`: build if stale (the demo's test runs this before the demo).
if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
  try {
    await ensureBuilt(root, (text) => process.stdout.write(text))
  } catch (error) {
    process.stderr.write(`${error.message}\n`)
    process.exit(1)
  }
}
