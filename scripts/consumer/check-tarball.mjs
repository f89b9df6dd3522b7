// What a packed tarball must be on its own, read from the tarball (not the work tree): every
// path its manifest names is in it, every import inside it resolves inside it or to a declared
// dependency, no `source` condition points at files that are not shipped, sourcemaps carry their
// sources, and the manifest is publishable (caret ranges, a real repository, no relative links
// out of the package in its README).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { builtinModules } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'

/** The repository every package names. */
export const REPOSITORY = 'git+https://github.com/rh-hooks/rh.git'

const builtins = new Set(builtinModules)
const code = /\.(?:[cm]?js|d\.[cm]?ts|[cm]?ts)$/
// `from 'x'`, `import 'x'`, and `import('x')` / `require('x')` of a literal alone (not 'u' + 'rl').
const specifier =
  /(?:\bfrom\s*|^\s*import\s+)(['"])([^'"\n]+)\1|\b(?:import|require)\s*\(\s*(['"])([^'"\n]+)\3\s*\)/gm

/** Unpacks `tarball` and returns its problems by check: `{ files, imports, manifest }`. */
export function checkTarball(tarball) {
  const dir = mkdtempSync(join(tmpdir(), 'rh-tarball-'))
  execFileSync('tar', ['-xzf', tarball, '-C', dir])
  const root = join(dir, 'package')
  const files = walk(root).map((file) => relative(root, file))
  const shipped = new Set(files)
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const problems = { files: [], imports: [], manifest: [] }

  for (const [where, target] of manifestTargets(manifest)) {
    if (where.includes('source')) problems.files.push(`${where} ships (-> ${target})`)
    else if (!shipped.has(target.replace(/^\.\//, '')))
      problems.files.push(`${where} -> ${target} is not in the tarball`)
  }

  const declared = new Set([
    manifest.name,
    ...Object.keys(manifest.dependencies ?? {}),
    ...Object.keys(manifest.peerDependencies ?? {}),
    ...Object.keys(manifest.optionalDependencies ?? {}),
  ])
  for (const file of files.filter((each) => code.test(each))) {
    // Doc comments hold `@example` imports of other packages: only code counts.
    const text = readFileSync(join(root, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/^\s*\/\/.*$/gm, '')
    for (const [, , quoted, , called] of text.matchAll(specifier)) {
      const spec = quoted ?? called
      if (spec.startsWith('.')) {
        if (!resolvesInside(shipped, join(dirname(file), spec))) {
          problems.imports.push(`${file}: '${spec}' is not in the tarball`)
        }
      } else if (!isBuiltin(spec) && !declared.has(packageName(spec))) {
        problems.imports.push(`${file}: '${spec}' is not a dependency`)
      }
    }
  }
  for (const file of files.filter((each) => each.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(root, file), 'utf8'))
    const contents = map.sourcesContent ?? []
    if (
      map.sources.length !== contents.length ||
      contents.some((each) => typeof each !== 'string')
    ) {
      problems.files.push(`${file} has no sourcesContent`)
    }
  }
  if (
    manifest.name === '@rh/server' &&
    files.some((file) => /class ProtocolError\b/.test(readFileSync(join(root, file), 'utf8')))
  ) {
    problems.imports.push(
      'bundles its own ProtocolError (one class identity needs @rh/protocol as a dependency)',
    )
  }

  if (manifest.repository?.url !== REPOSITORY) {
    problems.manifest.push(`repository.url is ${manifest.repository?.url}, not ${REPOSITORY}`)
  }
  for (const [name, range] of Object.entries(manifest.dependencies ?? {})) {
    if (!range.startsWith('^'))
      problems.manifest.push(`dependency ${name}@${range} is not a caret range`)
  }
  const readme = shipped.has('README.md') ? readFileSync(join(root, 'README.md'), 'utf8') : ''
  for (const [, link] of readme.matchAll(/\]\(([^)#\s]+)[^)]*\)/g)) {
    if (!/^[a-z]+:/.test(link))
      problems.manifest.push(`README links ${link}, which breaks on the registry's page`)
  }
  rmSync(dir, { recursive: true, force: true })
  return problems
}

/** Every path the manifest names, with where: exports leaves, main/module/types, bin. */
function* manifestTargets(manifest) {
  function* leaves(value, where) {
    if (typeof value === 'string') yield [where, value]
    else if (value && typeof value === 'object') {
      for (const [key, each] of Object.entries(value)) yield* leaves(each, `${where}.${key}`)
    }
  }
  yield* leaves(manifest.exports, 'exports')
  for (const field of ['main', 'module', 'types']) {
    if (manifest[field]) yield [field, manifest[field]]
  }
  yield* leaves(
    typeof manifest.bin === 'string' ? { [manifest.name]: manifest.bin } : manifest.bin,
    'bin',
  )
}

function resolvesInside(shipped, path) {
  // A declaration file names its sibling by the JavaScript it declares: './x.cjs' is './x.d.cts'.
  const bare = path.replace(/\.([cm]?)js$/, '')
  const flavour = /\.([cm]?)js$/.exec(path)?.[1] ?? ''
  const candidates = [path, `${bare}.d.${flavour}ts`, `${bare}.ts`, `${path}.ts`, `${path}.js`]
  candidates.push(join(path, 'index.ts'), join(path, 'index.js'), join(path, 'index.d.ts'))
  return !path.startsWith('..') && candidates.some((each) => shipped.has(each))
}

function isBuiltin(spec) {
  return spec.startsWith('node:') || spec.startsWith('bun:') || builtins.has(spec)
}

function packageName(spec) {
  const parts = spec.split('/')
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]
}

function walk(dir) {
  if (!existsSync(dir)) return []
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? walk(path) : [path]
  })
}
