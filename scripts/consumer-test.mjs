#!/usr/bin/env node
// The consumer leg: the packages as npm users get them. Builds, packs the four packages, checks
// each tarball on its own, installs them into one fresh project (with Express and Hono), then
// runs a full subscribe -> notify -> verified delivery on Node 20 (ESM and CommonJS), Node 24,
// Bun and Deno, inside an Express and a Hono app, and typechecks a TypeScript consumer with
// `skipLibCheck: false` under node16 and bundler resolution. One line per leg, then
// `N passed, N failed`; exits non-zero on a failure.
//   node scripts/consumer-test.mjs                     build, pack, test
//   node scripts/consumer-test.mjs --tarballs=<dir>    use the tarballs already packed there
//   node scripts/consumer-test.mjs --json=<file>       also write { passed, failed, legs }
//   node scripts/consumer-test.mjs --keep              leave the temporary project in place
import { spawnSync } from 'node:child_process'
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { checkTarball } from './consumer/check-tarball.mjs'
import { packages, packPackages } from './consumer/pack.mjs'
import { systemNode } from './system-node.mjs'

const root = new URL('..', import.meta.url).pathname
const fixture = join(root, 'scripts', 'consumer', 'fixture')
const args = process.argv.slice(2)
const option = (name) => args.find((a) => a.startsWith(`--${name}`))?.split('=')[1]
const bin = (name) => join(root, 'node_modules', '.bin', name)
// The framework versions are the monorepo's devDependencies, so `npm ci` has them in the cache.
const { devDependencies } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
const frameworks = ['express', 'hono', '@types/node'].map(
  (name) => `${name}@${devDependencies[name]}`,
)

// From the cache `npm ci` filled where it can. Optional dependencies (better-sqlite3) are left out:
// no leg needs SQLite, and where its prebuilt binary cannot be fetched it compiles for minutes.
const npmInstall = ['install', '--no-audit', '--no-fund', '--prefer-offline', '--omit=optional']

const started = performance.now()
const work = mkdtempSync(join(tmpdir(), 'rh-consumer-'))
const legs = []

/** Runs one leg: `fn` returns nothing or throws; its output is shown only on failure. */
function leg(name, fn) {
  const t0 = performance.now()
  let error
  try {
    fn()
  } catch (caught) {
    error = caught
  }
  const seconds = ((performance.now() - t0) / 1000).toFixed(1)
  legs.push({ name, ok: !error })
  console.log(`${error ? '✗' : '✓'} ${name} (${seconds} s)`)
  if (error) console.log(indent(error.message))
}

function run(cmd, cmdArgs, options = {}) {
  const result = spawnSync(cmd, cmdArgs, {
    encoding: 'utf8',
    timeout: 120_000,
    ...options,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', ...options.env },
  })
  if (result.status !== 0) {
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-25)
    throw new Error(
      `${basename(cmd)} ${cmdArgs.join(' ')} exited ${result.status ?? result.signal}\n${output.join('\n')}`,
    )
  }
  return result.stdout
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}

try {
  let tarballs
  const given = option('tarballs')
  if (given) {
    const files = readdirSync(given)
    tarballs = Object.fromEntries(
      packages.map((pkg) => [
        pkg,
        join(given, files.find((f) => f.startsWith(`rh-${pkg}-`)) ?? ''),
      ]),
    )
  } else {
    leg('build', () =>
      run('npm', ['run', 'build', '--workspaces', '--if-present'], { cwd: root, timeout: 300_000 }),
    )
    leg('pack', () => {
      tarballs = packPackages(root, join(work, 'tarballs'))
    })
  }

  for (const pkg of packages) {
    leg(`tarball @rh/${pkg}: self-consistent and publishable`, () => {
      const problems = Object.values(checkTarball(tarballs[pkg])).flat()
      if (problems.length) throw new Error(problems.join('\n'))
    })
  }

  const project = join(work, 'project')
  mkdirSync(project, { recursive: true })
  writeFileSync(
    join(project, 'package.json'),
    `${JSON.stringify({ name: 'rh-consumer', private: true, type: 'module' }, null, 2)}\n`,
  )
  for (const file of readdirSync(fixture, { withFileTypes: true })) {
    if (file.isFile()) copyFileSync(join(fixture, file.name), join(project, file.name))
  }
  // The same TypeScript consumer, as CommonJS: resolves the packages' `require` types (.d.cts).
  copyFileSync(join(fixture, 'check.ts'), join(project, 'check-cjs.cts'))

  leg('npm install of the four tarballs (+ express, hono) into a fresh project', () => {
    run('npm', [...npmInstall, ...Object.values(tarballs), ...frameworks], {
      cwd: project,
      timeout: 180_000,
    })
    const copies = run('npm', ['ls', '@rh/protocol', '--all', '--parseable'], { cwd: project })
      .trim()
      .split('\n')
      .filter(Boolean)
    if (new Set(copies).size !== 1)
      throw new Error(`@rh/protocol installed ${copies.length} times:\n${copies.join('\n')}`)
  })

  const node20 = systemNode()
  const node20Version = run(node20, ['--version']).trim()
  const inProject = { cwd: project, timeout: 60_000 }
  leg(`Node ${node20Version} ESM: subscribe -> notify -> verified delivery`, () =>
    run(node20, ['esm.mjs'], inProject),
  )
  leg(`Node ${node20Version} CommonJS: subscribe -> notify -> verified delivery`, () =>
    run(node20, ['cjs.cjs'], inProject),
  )
  leg(
    `Node ${run(bin('node'), ['--version']).trim()} ESM: subscribe -> notify -> verified delivery`,
    () => run(bin('node'), ['esm.mjs'], inProject),
  )
  leg(
    `Bun ${run(bin('bun'), ['--version']).trim()}: subscribe -> notify -> verified delivery`,
    () => run(bin('bun'), ['esm.mjs'], inProject),
  )
  leg('Deno (node_modules): subscribe -> notify -> verified delivery', () =>
    run(bin('deno'), ['run', '-A', 'esm.mjs'], inProject),
  )
  leg(`Express (Node ${node20Version}): rh mounted under /api/hooks`, () =>
    run(node20, ['express.mjs'], inProject),
  )
  leg('Hono (Node 24): rh.fetch mounted under /api/hooks', () =>
    run(bin('node'), ['hono.mjs'], inProject),
  )
  leg('Console (Node 24): @rh/server/console in a Hono app, bundled assets, CSP, API', () =>
    run(bin('node'), ['console.mjs'], inProject),
  )
  for (const resolution of ['node16', 'bundler']) {
    leg(`tsc --noEmit, skipLibCheck false, moduleResolution ${resolution}`, () =>
      run(bin('tsc'), ['-p', `tsconfig.${resolution}.json`], inProject),
    )
  }
  leg('tsc of an app that installs only @rh/server (skipLibCheck false)', () => {
    // @rh/protocol comes only as @rh/server's dependency: the override points it at the tarball.
    const alone = join(work, 'server-only')
    mkdirSync(alone)
    const pkg = {
      name: 'rh-server-only',
      private: true,
      type: 'module',
      dependencies: { '@rh/server': `file:${tarballs.server}` },
      devDependencies: { '@types/node': devDependencies['@types/node'] },
      overrides: { '@rh/protocol': `file:${tarballs.protocol}` },
    }
    writeFileSync(join(alone, 'package.json'), JSON.stringify(pkg, null, 2))
    for (const file of readdirSync(join(fixture, 'server-only'))) {
      copyFileSync(join(fixture, 'server-only', file), join(alone, file))
    }
    run('npm', npmInstall, { cwd: alone, timeout: 180_000 })
    run(bin('tsc'), ['-p', 'tsconfig.json'], { cwd: alone, timeout: 60_000 })
  })
  leg('bins: rh --help, rh-conformance --help', () => {
    run(join(project, 'node_modules', '.bin', 'rh'), ['--help'], inProject)
    run(join(project, 'node_modules', '.bin', 'rh-conformance'), ['--help'], inProject)
  })
} finally {
  if (args.includes('--keep')) console.log(`kept ${work}`)
  else rmSync(work, { recursive: true, force: true })
}

const passed = legs.filter((each) => each.ok).length
const failed = legs.length - passed
const json = option('json')
if (json) writeFileSync(json, JSON.stringify({ passed, failed, legs }))
console.log(`consumer legs took ${((performance.now() - started) / 1000).toFixed(0)} s`)
console.log(`${passed} passed, ${failed} failed`)
process.exit(failed ? 1 : 0)
