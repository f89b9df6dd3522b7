#!/usr/bin/env node
// A package's prepack/postpack: the manifest that ships has no `source` export condition. That
// condition points the monorepo's tools (vitest, tsc, tsx) at `src/`, which is not published
// (its files import `internal/` by relative path from outside the package); a consumer whose own
// tools use a `source` condition would otherwise resolve files that are not in the tarball.
//   node ../scripts/pack-manifest.mjs strip     (prepack: keeps the original beside it)
//   node ../scripts/pack-manifest.mjs restore   (postpack)
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs'

const manifest = 'package.json'
const original = '.package.json.unpacked'

/** The exports map without its `source` conditions. */
function withoutSource(exports) {
  if (typeof exports !== 'object' || exports === null) return exports
  return Object.fromEntries(
    Object.entries(exports)
      .filter(([condition]) => condition !== 'source')
      .map(([key, value]) => [key, withoutSource(value)]),
  )
}

const mode = process.argv[2]
if (mode === 'strip') {
  // A pack that died before its postpack left the stripped manifest: start from the original.
  if (existsSync(original)) renameSync(original, manifest)
  const text = readFileSync(manifest, 'utf8')
  writeFileSync(original, text)
  const pkg = JSON.parse(text)
  pkg.exports = withoutSource(pkg.exports)
  writeFileSync(manifest, `${JSON.stringify(pkg, null, 2)}\n`)
} else if (mode === 'restore') {
  if (existsSync(original)) renameSync(original, manifest)
} else {
  console.error('usage: pack-manifest.mjs strip|restore')
  process.exit(2)
}
