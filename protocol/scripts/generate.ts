/**
 * Writes protocol/generated/{schemas,openapi}.json from the valibot schemas.
 *
 *   npx tsx protocol/scripts/generate.ts          write the files
 *   npx tsx protocol/scripts/generate.ts --check  exit 1 when a checked-in file is stale
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { renderDocuments } from './documents'

const packageDir = new URL('../', import.meta.url)
const generatedDir = new URL('generated/', packageDir)
const { version } = JSON.parse(readFileSync(new URL('package.json', packageDir), 'utf8')) as {
  version: string
}
const documents = renderDocuments(version)

const read = (url: URL): string | null => {
  try {
    return readFileSync(url, 'utf8')
  } catch {
    return null
  }
}

if (process.argv.includes('--check')) {
  const stale = Object.entries(documents)
    .filter(([name, text]) => read(new URL(name, generatedDir)) !== text)
    .map(([name]) => `protocol/generated/${name}`)
  if (stale.length > 0) {
    console.error(
      `Out of date: ${stale.join(', ')}.\nRun \`npm run generate -w @rh/protocol\` and commit the result.`,
    )
    process.exit(1)
  }
  console.log('protocol/generated is up to date.')
} else {
  mkdirSync(generatedDir, { recursive: true })
  for (const [name, text] of Object.entries(documents)) {
    writeFileSync(new URL(name, generatedDir), text)
    console.log(`wrote protocol/generated/${name}`)
  }
}
