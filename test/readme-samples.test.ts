import { spawn } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { exited, repoRoot, runtime, spawnTs } from './spawn-ts'

/** The READMEs whose every ```ts block is a complete program, run as is. */
const readmes = [
  'README.md',
  'server/README.md',
  'client/README.md',
  'protocol/README.md',
  'conformance/README.md',
]

/** What a sample prints, by `file #index` (1-based); a sample not listed must run silently. */
const printed: Record<string, RegExp> = {
  'README.md #1': /^new post p_1\n$/,
  'README.md #2': /^200 \{ data: \[\], next_cursor: null \}\n$/,
  'README.md #3': /^delivered sub_ 1\n1\n$/,
  'README.md #5': /^saved p_1 msg_post_created\n204\n410\npost\.created\n$/,
  'server/README.md #1': /^0\n$/,
  'server/README.md #2': /^200\n$/,
  'server/README.md #3': /^delivered 1 204\n1\n$/,
  'server/README.md #4': /^failed\ndisabled\n\{ replayed: 2 \}\n\[ 'o_1', 'o_2' \]\n$/,
  'server/README.md #6': /^\{ message_id: 'msg_\w+', deliveries: 0 \}\n$/,
  'server/README.md #7': /^\{ message_id: 'msg_\w+', deliveries: 0 \}\n$/,
  'server/README.md #8': /^retrying\ndelivered\n$/,
  'server/README.md #9': /^200 default-src 'none'\n$/,
  'client/README.md #1': /^msg_ Hello\n$/,
  'client/README.md #2': /^true\n1 null\n$/,
  'client/README.md #3': /^sub_\n$/,
  'client/README.md #4': /^204\n401 signature_mismatch\n$/,
  'client/README.md #5': /^true\nfalse\n$/,
  'client/README.md #6': /^\{ id: 'p_1' \}\n204\n$/,
  'protocol/README.md #1': /^\{ id: 'msg_2mX9yq4GhT1aZ0bK', timestamp: \d+ \}\n$/,
  'protocol/README.md #2': /^2 v1a, whpk_\n$/,
  'protocol/README.md #3': /^true 204\n$/,
  'protocol/README.md #5': /^intent verification\ntrue 0\n$/,
  'protocol/README.md #6': /target_refused[\s\S]*65536\n[\s\S]*jitter: 0\.1/,
  'conformance/README.md #1': /\n\d+ passed, 0 failed\n$/,
}

interface Sample {
  /** `file #index`, the key of {@link printed}. */
  key: string
  /** The file the sample runs from: beside its README, so `@rh/*` resolve as for a user. */
  file: string
  code: string
  /** The sample's first comment line, or its first line, for the test name. */
  title: string
}

/** The ```ts blocks of the READMEs, each written to a file beside its README. */
function samples(): Sample[] {
  return readmes.flatMap((readme) => {
    const markdown = readFileSync(join(repoRoot, readme), 'utf8')
    const blocks = [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
    return blocks.map((code, index) => {
      const lines = code.split('\n')
      const comment = lines.find((line) => /^\s*\/\/ /.test(line))
      const title = (comment ?? lines[0] ?? '').replace(/^\s*\/\/ /, '').trim()
      const file = join(repoRoot, dirname(readme), `.readme-sample-${process.pid}-${index + 1}.ts`)
      return { key: `${readme} #${index + 1}`, file, code, title }
    })
  })
}

/** Runs `task`s at most `slots` at a time: each spawn costs about a second of tsx startup. */
function limit(slots: number) {
  const waiting: (() => void)[] = []
  let running = 0
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= slots) await new Promise<void>((go) => waiting.push(go))
    running++
    try {
      return await task()
    } finally {
      running--
      waiting.shift()?.()
    }
  }
}

/**
 * What a sample prints, written as Node's `console.log` writes it: Bun breaks a logged object over
 * lines with a trailing comma, Bun and Deno quote its strings with `"`. Only logged objects are
 * rewritten; the samples print no other `"` or line-initial blanks.
 */
function asNodePrints(stdout: string): string {
  if (runtime === 'node') return stdout
  return stdout
    .replace(/\{\n\s+/g, '{ ')
    .replace(/,?\n\s*\}/g, ' }')
    .replace(/,\n\s+/g, ', ')
    .replace(/"/g, "'")
}

/** Runs a child to its exit, with what it wrote. */
async function run(child: ReturnType<typeof spawn>) {
  const out: string[] = []
  const err: string[] = []
  child.stdout?.on('data', (chunk) => out.push(String(chunk)))
  child.stderr?.on('data', (chunk) => err.push(String(chunk)))
  const code = await exited(child)
  return { code, stdout: out.join(''), stderr: err.join('') }
}

const all = samples()
for (const sample of all) writeFileSync(sample.file, sample.code)
const tsconfig = join(repoRoot, `.readme-samples-${process.pid}.tsconfig.json`)
writeFileSync(
  tsconfig,
  JSON.stringify({ extends: './tsconfig.base.json', files: all.map((sample) => sample.file) }),
)
afterAll(() => {
  for (const sample of all) rmSync(sample.file, { force: true })
  rmSync(tsconfig, { force: true })
})
const slot = limit(3)

describe.concurrent('the README samples', () => {
  it('are found in every README, and every sample that prints has its output checked', () => {
    expect(all.map((sample) => sample.key)).toEqual(expect.arrayContaining(Object.keys(printed)))
    expect(all.length).toBe(27)
  })

  it('typecheck as they are, under the repository strict compiler options', async () => {
    const tsc = join(repoRoot, 'node_modules/typescript/bin/tsc')
    const { code, stdout } = await slot(() =>
      run(spawn(process.execPath, [tsc, '-p', tsconfig], { cwd: repoRoot })),
    )
    expect(code, stdout).toBe(0)
  }, 60_000)

  for (const sample of all) {
    it(`${sample.key} runs as is and ends by itself: ${sample.title}`, async () => {
      const { code, stdout: printedText, stderr } = await slot(() => run(spawnTs(sample.file)))
      const stdout = asNodePrints(printedText)
      expect(code, stderr).toBe(0)
      const expected = printed[sample.key]
      if (expected) expect(stdout).toMatch(expected)
      else expect(stdout).toBe('')
    }, 60_000)
  }
})
