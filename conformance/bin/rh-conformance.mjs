#!/usr/bin/env node
// The `rh-conformance` executable. A published package runs its built `dist/cli.js`. In a clone
// of the repository, right after `npm ci`, there is no `dist/` yet: the TypeScript source runs
// instead, through tsx (a devDependency of the workspace) with the `source` export condition, so
// that `npx rh-conformance` works before any build.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const built = new URL('../dist/cli.js', import.meta.url)
const source = new URL('../src/bin.ts', import.meta.url)

if (existsSync(fileURLToPath(built))) {
  await import(built.href)
} else if (existsSync(fileURLToPath(source))) {
  let tsx
  try {
    tsx = import.meta.resolve('tsx')
  } catch {
    process.stderr.write(
      'rh-conformance: dist/ is not built and tsx is not installed: run npm run build\n',
    )
    process.exit(1)
  }
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', tsx, fileURLToPath(source), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  )
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal))
  child.on('exit', (code, signal) => {
    if (signal) process.kill(process.pid, signal)
    else process.exitCode = code ?? 1
  })
} else {
  process.stderr.write('rh-conformance: neither dist/cli.js nor src/bin.ts is here\n')
  process.exit(1)
}
