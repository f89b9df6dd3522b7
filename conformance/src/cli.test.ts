import { execFile } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { createReceiver } from '@rh/client'
import { generateSecret } from '@rh/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../test/serve-fetch'
import { onToolchainNode } from '../../test/spawn-ts'
import { main } from './cli'
import { type Breakage, createToyServer } from './fixtures/toy-server'

// `rh-conformance` runs on the `node` of the PATH (its shebang; the toolchain's Node 24 under
// npm test), whatever runtime runs this suite: tested once, there.
const onNode = onToolchainNode

const closers: (() => Promise<void>)[] = []
afterAll(async () => {
  await Promise.all(closers.map((close) => close()))
})

async function run(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const status = await main(argv, {
    stdout: (text) => {
      stdout += text
    },
    stderr: (text) => {
      stderr += text
    },
  })
  return { status, stdout, stderr, lastLine: stdout.trimEnd().split('\n').at(-1) }
}

async function toy(broken: Breakage[] = []) {
  const served = await serveFetch(
    createToyServer({ retrySchedule: [20, 60, 180], disableAfter: 2, handshake: true, broken })
      .fetch,
  )
  closers.push(served.close)
  return [
    'server',
    '--url',
    `${served.origin}/hooks`,
    '--trigger',
    `${served.origin}/test/notify`,
    '--retry-schedule',
    '0.02,0.06,0.18',
    '--timeout',
    '2',
    '--disable-after',
    '2',
  ]
}

async function receiver(secret: string) {
  const served = await serveFetch(createReceiver({ secret, on: {} }))
  closers.push(served.close)
  return `${served.origin}/webhooks`
}

describe.skipIf(!onNode)('rh-conformance', () => {
  it('runs the server suite, reports progress, and ends with the summary line', async () => {
    const result = await run([...(await toy()), '--level', 'core'])
    expect(result.status).toBe(0)
    expect(result.lastLine).toBe('12 passed, 0 failed')
    expect(result.stdout).toContain('pass  core.retry  retries a delivery')
    expect(result.stderr).toContain('[1/12] core.subscribe: creates a subscription')
  })

  it('adds the skipped count to the summary line when a case is skipped', async () => {
    const result = await run([...(await toy()), '--case', 'security.no-credentials'])
    expect(result.status).toBe(0)
    expect(result.lastLine).toBe('0 passed, 0 failed, 1 skipped')
    expect(result.stdout).toContain('skipped: needs the credentials the server requires (--auth)')
  })

  it('exits 1 and prints expected and seen when a case fails', async () => {
    const result = await run([...(await toy(['ignores-410'])), '--case', 'core.gone'])
    expect(result.status).toBe(1)
    expect(result.stdout).toContain('FAIL  core.gone')
    expect(result.stdout).toMatch(/expected: GET sub_\w+: 404\n\s+seen: +200 /)
    expect(result.lastLine).toBe('0 passed, 1 failed')
    expect(result.stderr).toContain('core.gone FAILED: the subscription is still there after 410')
  })

  it('prints the report as JSON with --json', async () => {
    const result = await run([...(await toy(['wrong-signature'])), '--json', '--level', 'signing'])
    expect(result.status).toBe(1)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ suite: 'server', ok: false, passed: 3, failed: 3 })
  })

  it.each([
    ['junit', /^<\?xml[\s\S]*<testcase classname="rh-conformance.core" name="core.subscribe: /],
    ['tap', /^TAP version 14\n1\.\.1\nok 1 - core.subscribe: [\s\S]*# 1 passed, 0 failed$/],
  ])('prints the report as %s with --format', async (format, shape) => {
    const result = await run([...(await toy()), '--case', 'core.subscribe', '--format', format])
    expect(result.status).toBe(0)
    expect(result.stdout.trimEnd()).toMatch(shape)
  })

  it('says in one line that the server cannot be reached, and exits 1', async () => {
    const argv = await toy()
    await closers.pop()?.()
    const result = await run(argv)
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^rh-conformance: cannot reach the server under test at http:/),
    ])
  })

  it('runs the receiver suite against a receiver URL', async () => {
    const secret = generateSecret()
    const result = await run(['receiver', '--url', await receiver(secret), '--secret', secret])
    expect(result.status).toBe(0)
    expect(result.lastLine).toMatch(/^\d+ passed, 0 failed$/)
  })

  it.each([
    [['server', '--trigger', 'x'], '--url is required'],
    [['server', '--url', 'http://127.0.0.1:1'], '--trigger is required'],
    [['server', '--url', 'u', '--trigger', 't', '--level', 'core,fast'], 'unknown level fast'],
    [['server', '--url', 'u', '--trigger', 't', '--profile', 'svix'], '--profile is rh or'],
    [['server', '--url', 'u', '--trigger', 't', '--retry-schedule', '1,x'], 'takes seconds'],
    [['server', '--url', 'u', '--trigger', 't', '--disable-after', '0'], 'takes a whole number'],
    [['receiver', '--url', 'u'], '--secret is required'],
    [['client', '--url', 'u'], 'unknown command client'],
    [['server', '--colour'], "Unknown option '--colour'"],
    [['server', '--url', 'u', '--trigger', 't', '--format', 'xml'], '--format is text, json'],
    [['server', '--url', 'u', '--trigger', 't', '--trigger-header', 'nocolon'], 'name: value'],
  ])('exits 2 with the usage for %j', async (argv, message) => {
    const result = await run(argv)
    expect(result.status).toBe(2)
    expect(result.stderr).toContain(message)
    expect(result.stderr).toContain('rh-conformance server --url <base>')
  })

  it('runs from its bin script in a clone that has no dist/ yet (right after npm ci)', async () => {
    const root = fileURLToPath(new URL('../..', import.meta.url))
    // A clone's layout without a build: the bin script, the sources, the installed node_modules.
    const clone = await mkdtemp(join(tmpdir(), 'rh-clone-'))
    closers.push(() => rm(clone, { recursive: true, force: true }))
    await mkdir(join(clone, 'conformance', 'bin'), { recursive: true })
    await copyFile(
      join(root, 'conformance/bin/rh-conformance.mjs'),
      join(clone, 'conformance/bin/rh-conformance.mjs'),
    )
    await symlink(join(root, 'conformance/src'), join(clone, 'conformance/src'))
    await symlink(join(root, 'node_modules'), join(clone, 'node_modules'))
    const bin = join(clone, 'conformance/bin/rh-conformance.mjs')
    const call = (argv: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        // `node`, as npx would run it (its shebang), whatever runtime runs this test.
        execFile('node', [bin, ...argv], { cwd: clone }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
        )
      })
    const help = await call(['--help'])
    expect(help).toMatchObject({ code: 0 })
    expect(help.stdout).toContain('rh-conformance server --url <base>')
    const usage = await call(['receiver', '--url', 'http://127.0.0.1:1/'])
    expect(usage.code).toBe(2)
    expect(usage.stderr).toContain('--secret is required')
  })

  it('runs as an executable in a child process', async () => {
    const secret = generateSecret()
    const url = await receiver(secret)
    const root = fileURLToPath(new URL('../..', import.meta.url))
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>(
      (resolve) => {
        execFile(
          `${root}node_modules/.bin/tsx`,
          ['--conditions=source', 'conformance/src/bin.ts', 'receiver', '--url', url],
          { cwd: root },
          (error, stdout) => resolve({ code: error ? (error.code as number) : 0, stdout }),
        )
      },
    )
    // Without --secret: the usage error's status, from a real process.
    expect(code).toBe(2)
    expect(stdout).toBe('')
    const ok = await new Promise<{ code: number; stdout: string }>((resolve) => {
      execFile(
        `${root}node_modules/.bin/tsx`,
        [
          '--conditions=source',
          'conformance/src/bin.ts',
          'receiver',
          '--url',
          url,
          '--secret',
          secret,
        ],
        { cwd: root },
        (error, stdout) => resolve({ code: error ? Number(error.code) : 0, stdout }),
      )
    })
    expect(ok.code).toBe(0)
    expect(ok.stdout.trimEnd().split('\n').at(-1)).toMatch(/^\d+ passed, 0 failed$/)
  })
})
