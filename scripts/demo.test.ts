import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onToolchainNode, repoRoot, runtime } from '../test/spawn-ts'

/**
 * The demo is a Node script (`npm run demo`): under Node, the Node running the tests (20 or 24)
 * runs it; under Bun and Deno, the machine's own Node does.
 */
const node = runtime === 'node' ? process.execPath : machineNode()

function machineNode(): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue
    const candidate = join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  return 'node'
}

// The demo's temporary directory (kept when it fails, for its log) goes in here.
const tmp = mkdtempSync(join(tmpdir(), 'rh-demo-test-'))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

function run(script: string, env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(node, [join(repoRoot, script)], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: '1', TMPDIR: tmp, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => {
      stdout += chunk
    })
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

// The demo imports the built packages; build them first when dist is missing or stale, so the
// demo itself stays within its time.
beforeAll(async () => {
  if (!onToolchainNode) return
  const build = await run('scripts/demo-lib/build.mjs')
  expect(build.code, build.stderr).toBe(0)
}, 180_000)

// `npm run demo` runs on the toolchain's Node whichever leg runs this suite: tested once, there.
describe.skipIf(!onToolchainNode)('npm run demo', () => {
  it('runs the whole loop and exits 0, narrating every step', async () => {
    const { code, stdout, stderr } = await run('scripts/demo.mjs')
    expect(code, `${stdout}\n${stderr}`).toBe(0)
    const sub = /sub_[0-9A-Z]{26}/
    const msg = /msg_[0-9A-Z]{26}/
    expect(stdout).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/)
    expect(stdout).toMatch(/retries after 0\.4 s, 0\.8 s/)
    for (const name of ['happy', 'flaky', 'leaving']) {
      expect(stdout).toMatch(new RegExp(`✓ ${name} +${sub.source} .*handshake answered`))
    }
    expect(stdout).toMatch(new RegExp(`POST /events order\\.created .*-> 202 ${msg.source}`))
    expect(stdout).toMatch(new RegExp(`happy +order\\.created .*verified ${msg.source}`))
    expect(stdout).toMatch(
      new RegExp(`leaving +order\\.created ${msg.source} -> gone\\(\\) -> 410`),
    )
    expect(stdout).toMatch(/flaky +order\.created throws on delivery #1 of (msg_\w+) -> 500/)

    // The retry carries the webhook-id of the failed first delivery.
    const failedId = stdout.match(/throws on delivery #1 of (msg_\w+)/)?.[1]
    expect(stdout).toContain(`with the same webhook-id ${failedId}: handled`)
    expect(stdout).toMatch(new RegExp(`attempt #1 +failed +500 .*${failedId}`))
    expect(stdout).toMatch(new RegExp(`attempt #2 +delivered +204 .*${failedId}`))

    expect(stdout).toMatch(
      new RegExp(`client\\.get\\('${sub.source}'\\) -> RhClientError not_found \\(404\\)`),
    )
    expect(stdout).toMatch(/client\.list\(\) -> (flaky, happy|happy, flaky)\n/)

    // The outage: offline misses two messages past every retry, then gets both by a replay,
    // under their original webhook-ids.
    expect(stdout).toMatch(/offline goes down: .* longer than the 3 attempts last/)
    const lost = [...stdout.matchAll(/(msg_\w+) -> offline: 3 attempts, all 500: failed/g)].map(
      (match) => match[1],
    )
    expect(lost).toHaveLength(2)
    expect(stdout).toMatch(
      new RegExp(
        `client\\.replay\\('${sub.source}', \\{ since: '[^']+', status: 'failed' \\}\\) -> 2 replayed`,
      ),
    )
    const replayedAt = stdout.indexOf('-> 2 replayed')
    for (const id of lost) {
      const handled = stdout.indexOf(`order.refunded replayed, same webhook-id ${id}: handled`)
      expect(handled).toBeGreaterThan(replayedAt)
    }
    expect(stdout).toContain('offline got every missed message, each under its original webhook-id')
    expect(stdout).toMatch(/and 2 missed messages replayed after an outage\)/)

    expect(stdout).toContain('rh serve exited 0 after SIGTERM')
    expect(stdout).toMatch(/Done in \d+\.\d s/)
    // The total counts the build (most of a first run), and says how much of it that was.
    expect(stdout).toMatch(/Done in \d+\.\d s in all: \d+\.\d s checking or building the packages/)
  }, 15_000)

  it('fails with exit 1 and names the step that did not happen in time', async () => {
    const { code, stdout } = await run('scripts/demo.mjs', { RH_DEMO_TIMEOUT_MS: '1' })
    expect(code).toBe(1)
    expect(stdout).toMatch(/✗ demo failed: .+ did not happen within 0\.001 s/)
    expect(stdout).not.toContain('Done in')
  }, 15_000)
})
