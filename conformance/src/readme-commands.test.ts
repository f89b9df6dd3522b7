import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

// The root README's conformance commands, run as written through `npx` from the repository root,
// with one change: port 8080 becomes a free port, so the test never collides with anything.
const root = fileURLToPath(new URL('../..', import.meta.url))
const readme = readFileSync(`${root}README.md`, 'utf8')
const section = readme.slice(readme.indexOf('## Conformance'), readme.indexOf('## Benchmarks'))
const commands = /```sh\n([\s\S]*?)```/.exec(section)?.[1]?.trim().split('\n') ?? []

const children: ChildProcess[] = []
afterAll(async () => {
  // Each command runs in a process group of its own (sh, npx, node): end the whole group.
  for (const child of children) {
    if (child.exitCode !== null || child.pid === undefined) continue
    const exited = new Promise((resolve) => child.once('exit', resolve))
    try {
      process.kill(-child.pid, 'SIGTERM')
    } catch {}
    await exited
  }
  for (const suffix of ['', '-wal', '-shm'])
    rmSync(`/tmp/rh-conformance.db${suffix}`, { force: true })
})

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

function shell(command: string) {
  const child = spawn('sh', ['-c', command], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  children.push(child)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk) => {
    stdout += chunk
  })
  child.stderr.on('data', (chunk) => {
    stderr += chunk
  })
  const exit = new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { child, exit, output: () => ({ stdout, stderr }) }
}

// The commands are Node commands (npx, rh serve): run them from the Node legs only.
const onNode = !('Bun' in globalThis) && !('Deno' in globalThis)

describe("the root README's conformance commands", () => {
  it.runIf(onNode)(
    'start rh serve and run the server suite against it without a failure',
    async () => {
      expect(commands).toHaveLength(2)
      const port = String(await freePort())
      const [serve, conformance] = commands.map((command) =>
        command.replaceAll('8080', port).replace(/ &$/, ''),
      )
      const server = shell(serve ?? '')
      for (let i = 0; i < 300; i++) {
        if (
          server.output().stdout.includes('"start"') ||
          server.output().stderr.includes('start')
        ) {
          break
        }
        await new Promise((resolve) => setTimeout(resolve, 100))
      }
      const run = shell(conformance ?? '')
      const status = await run.exit
      const { stdout, stderr } = run.output()
      // On a failure, show what the suite and the server said.
      const said = [...stderr.split('\n').filter((l) => /FAILED|rh-conformance:/.test(l))]
      expect({
        status,
        said,
        server: status === 0 ? '' : server.output().stderr.slice(-2000),
      }).toEqual({
        status: 0,
        said: [],
        server: '',
      })
      expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
        /^\d+ passed, 0 failed, \d+ skipped, 28 not checked$/,
      )
    },
    240_000,
  )
})
