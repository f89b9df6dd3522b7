/**
 * The TSDoc audit: every export reachable from a package entry point carries a doc comment,
 * every exported function and class an `@example`, and every entry file opens with `@module`.
 */
import { readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'
import { describe, expect, it } from 'vitest'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** The public entry points, as listed in each package.json `exports` map. */
const entries = [
  'protocol/src/index.ts',
  'server/src/index.ts',
  'server/src/node/index.ts',
  'server/src/testing/index.ts',
  'server/src/sqlite/index.ts',
  'server/src/postgres/index.ts',
  'client/src/index.ts',
  'client/src/node/index.ts',
  'conformance/src/index.ts',
]

function loadProgram(): ts.Program {
  const configPath = join(root, 'tsconfig.base.json')
  const config = ts.readConfigFile(configPath, (path) => readFileSync(path, 'utf8'))
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, root)
  return ts.createProgram({
    rootNames: entries.map((entry) => join(root, entry)),
    options: { ...parsed.options, noEmit: true, skipLibCheck: true },
  })
}

/** True when `node` declares a function, or a const whose value can be called. */
function isFunctionLike(node: ts.Declaration, checker: ts.TypeChecker): boolean {
  if (ts.isFunctionDeclaration(node)) return true
  if (!ts.isVariableDeclaration(node)) return false
  return checker.getTypeAtLocation(node).getCallSignatures().length > 0
}

interface Finding {
  entry: string
  name: string
  problem: string
  where: string
}

function audit(program: ts.Program): { findings: Finding[]; callables: string[] } {
  const checker = program.getTypeChecker()
  const findings: Finding[] = []
  const callables: string[] = []
  for (const entry of entries) {
    const file = program.getSourceFile(join(root, entry))
    if (!file) {
      findings.push({ entry, name: '(file)', problem: 'entry not found', where: entry })
      continue
    }
    if (!/^\/\*\*[\s*]*@module\b/.test(file.text)) {
      findings.push({ entry, name: '(file)', problem: 'no leading @module', where: entry })
    }
    const moduleSymbol = checker.getSymbolAtLocation(file)
    const exports = moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : []
    if (exports.length === 0) {
      findings.push({ entry, name: '(file)', problem: 'exports nothing', where: entry })
    }
    for (const exported of exports) {
      const symbol =
        exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported
      const declaration = symbol.declarations?.[0]
      const where = declaration
        ? `${relative(root, declaration.getSourceFile().fileName)}:${
            declaration.getSourceFile().getLineAndCharacterOfPosition(declaration.getStart()).line +
            1
          }`
        : entry
      const name = exported.getName()
      const docs = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim()
      const tags = symbol.getJsDocTags(checker).map((tag) => tag.name)
      if (docs === '' && tags.length === 0) {
        findings.push({ entry, name, problem: 'no doc comment', where })
        continue
      }
      const needsExample =
        symbol.flags & ts.SymbolFlags.Class ||
        (symbol.declarations ?? []).some((node) => isFunctionLike(node, checker))
      if (needsExample) callables.push(name)
      if (needsExample && !tags.includes('example')) {
        findings.push({ entry, name, problem: 'no @example', where })
      }
    }
  }
  return { findings, callables }
}

describe('TSDoc on the public API', () => {
  const { findings, callables } = audit(loadProgram())

  it('finds every entry point and at least one export in each', () => {
    const missing = findings.filter(
      (f) => f.problem === 'entry not found' || f.problem === 'exports nothing',
    )
    expect(missing).toEqual([])
  })

  it('recognises the exported functions and classes that need an @example', () => {
    for (const name of ['createResthooks', 'ResthooksError', 'createClient', 'sign', 'postgres']) {
      expect(callables).toContain(name)
    }
  })

  it('documents every export, with an @example on functions and classes', () => {
    const report = findings.map((f) => `${f.entry}: ${f.name} — ${f.problem} (${f.where})`)
    expect(report).toEqual([])
  })
})
