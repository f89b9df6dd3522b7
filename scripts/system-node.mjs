// Where the Node 20 legs find their Node.
import { existsSync } from 'node:fs'
import { delimiter, join } from 'node:path'

/** The machine's own Node (20 here): the first `node` on PATH outside node_modules. */
export function systemNode() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir.includes('node_modules')) continue
    const candidate = join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  throw new Error('no system node on PATH')
}
