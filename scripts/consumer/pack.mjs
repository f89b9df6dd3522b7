// `npm pack` of the four packages, the way they would be published (their prepack/postpack
// scripts run: see scripts/pack-manifest.mjs).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, renameSync } from 'node:fs'
import { join } from 'node:path'

/** The packages, in dependency order. */
export const packages = ['protocol', 'server', 'client', 'conformance']

/** Packs every package into `destination`; returns `{ [dir]: tarball path }`. */
export function packPackages(root, destination) {
  mkdirSync(destination, { recursive: true })
  let output
  try {
    output = execFileSync(
      'npm',
      [
        'pack',
        ...packages.map((pkg) => `--workspace=${pkg}`),
        `--pack-destination=${destination}`,
        '--json',
      ],
      { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
    )
  } finally {
    // A pack that failed before a postpack ran must not leave a work tree without `source`.
    for (const pkg of packages) {
      const original = join(root, pkg, '.package.json.unpacked')
      if (existsSync(original)) renameSync(original, join(root, pkg, 'package.json'))
    }
  }
  // Lifecycle scripts may print before the JSON document.
  const packed = JSON.parse(output.slice(output.indexOf('[')))
  return Object.fromEntries(
    packages.map((pkg) => {
      const entry = packed.find((each) => each.name === `@rh/${pkg}`)
      if (!entry) throw new Error(`npm pack made no tarball for @rh/${pkg}`)
      return [pkg, join(destination, entry.filename)]
    }),
  )
}
