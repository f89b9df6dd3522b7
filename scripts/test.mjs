#!/usr/bin/env node
// The one test command (`npm test`): static checks, the build, the packed tarballs' lints and the
// consumer legs (scripts/consumer-test.mjs), then every vitest suite on each runtime rh claims.
// Ends with a plain `N passed, N failed` line (consumer legs count as tests).
//   node scripts/test.mjs                  everything
//   node scripts/test.mjs --runtimes=bun   only the named runtimes (node20,node24,bun,deno)
//   node scripts/test.mjs --skip-checks    only the suites
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { packages, packPackages } from './consumer/pack.mjs'
import { systemNode } from './system-node.mjs'

const root = new URL('..', import.meta.url).pathname
const args = process.argv.slice(2)
const flag = (name) => args.find((a) => a.startsWith(`--${name}`))
const only = flag('runtimes')?.split('=')[1]?.split(',')
const bin = (name) => join(root, 'node_modules', '.bin', name)

const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs')
const runtimes = {
  node20: [systemNode(), vitest],
  node24: [bin('node'), vitest],
  bun: [bin('bun'), '--bun', vitest],
  deno: [bin('deno'), 'run', '-A', vitest],
}

let passed = 0
let failed = 0
let skipped = 0
const failures = []
function step(label, cmd, cmdArgs, options = {}) {
  console.log(`\n▶ ${label}`)
  const result = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...options })
  if (result.status !== 0) failures.push(label)
  return result.status === 0
}

if (!flag('skip-checks')) {
  step('biome', bin('biome'), ['check', '.'])
  step('typecheck', bin('tsc'), ['-p', 'tsconfig.json'])
  if (step('build', 'npm', ['run', 'build', '--workspaces', '--if-present'])) {
    // The lints read the tarballs as npm would publish them (prepack has run), not the work tree.
    const packed = mkdtempSync(join(tmpdir(), 'rh-packed-'))
    let tarballs = null
    try {
      tarballs = packPackages(root, packed)
    } catch (error) {
      console.log(`\n▶ pack\n${error.stderr ?? error.message}`)
      failures.push('pack')
    }
    if (tarballs) {
      for (const pkg of packages) {
        step(`publint ${pkg}`, bin('publint'), ['--strict', tarballs[pkg]])
        step(`attw ${pkg}`, bin('attw'), [tarballs[pkg], '--profile', 'node16'])
      }
      const report = join(packed, 'consumer.json')
      step('consumer legs (packed tarballs in fresh projects)', process.execPath, [
        join(root, 'scripts', 'consumer-test.mjs'),
        `--tarballs=${packed}`,
        `--json=${report}`,
      ])
      if (existsSync(report)) {
        const r = JSON.parse(readFileSync(report, 'utf8'))
        passed += r.passed
        failed += r.failed
      } else failures.push('consumer legs: no report')
    }
    rmSync(packed, { recursive: true, force: true })
  }
  step('generated files are current', 'npm', ['run', 'check:generated', '--if-present'])
}

for (const [name, [cmd, ...cmdArgs]] of Object.entries(runtimes)) {
  if (only && !only.includes(name)) continue
  const report = join(tmpdir(), `rh-vitest-${name}-${process.pid}.json`)
  const ok = step(
    `tests on ${name}`,
    cmd,
    [...cmdArgs, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`],
    {
      env: { ...process.env, RH_RUNTIME: name },
    },
  )
  if (existsSync(report)) {
    const r = JSON.parse(readFileSync(report, 'utf8'))
    passed += r.numPassedTests
    failed += r.numFailedTests
    skipped += r.numPendingTests + (r.numTodoTests ?? 0)
    if (r.numTotalTests === 0) failures.push(`${name}: no tests ran`)
    rmSync(report)
  } else if (ok) failures.push(`${name}: no report`)
  if (!ok && !failures.includes(`tests on ${name}`)) failures.push(`tests on ${name}`)
}

if (failures.length) console.log(`\n✗ failed steps: ${failures.join(', ')}`)
console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(failures.length || failed ? 1 : 0)
