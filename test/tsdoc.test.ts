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

/** True when `node` is (or initialises a const to) a function. */
function isFunctionLike(node: ts.Declaration): boolean {
  if (ts.isFunctionDeclaration(node)) return true
  if (ts.isVariableDeclaration(node) && node.initializer) {
    const init = node.initializer
    return ts.isArrowFunction(init) || ts.isFunctionExpression(init)
  }
  return false
}

interface Finding {
  entry: string
  name: string
  problem: string
  where: string
}

function audit(program: ts.Program): Finding[] {
  const checker = program.getTypeChecker()
  const findings: Finding[] = []
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
    if (!moduleSymbol) continue
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
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
        (symbol.declarations ?? []).some((node) => isFunctionLike(node))
      if (needsExample && !tags.includes('example')) {
        findings.push({ entry, name, problem: 'no @example', where })
      }
    }
  }
  return findings
}

describe('TSDoc on the public API', () => {
  const findings = audit(loadProgram())

  it('finds every entry point and at least one export in each', () => {
    expect(findings.filter((finding) => finding.problem === 'entry not found')).toEqual([])
  })

  it('documents every export, with an @example on functions and classes', () => {
    const report = findings.map((f) => `${f.entry}: ${f.name} — ${f.problem} (${f.where})`)
    expect(report).toEqual([])
  })
})
