import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'

/** The console's browser code and stylesheet, as served. */
export interface BrowserAsset {
  /** `console.js`: the app with `@rh/client` bundled in, an ES module. */
  script: string
  /** `console.css`. */
  style: string
}

/**
 * Bundles the browser app (`browser/main.ts`, with `@rh/client` from its sources) into one
 * minified ES module with esbuild, and reads its stylesheet. The package build calls it once and
 * embeds the result (server/tsup.config.ts); from sources it runs on first use.
 *
 * @example
 * const { script, style } = await bundleBrowserAsset()
 */
export async function bundleBrowserAsset(): Promise<BrowserAsset> {
  const { build } = await import('esbuild')
  const result = await build({
    entryPoints: [fileURLToPath(new URL('./browser/main.ts', import.meta.url))],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    conditions: ['source'],
    logLevel: 'silent',
  })
  const script = result.outputFiles[0]?.text ?? ''
  const style = await readFile(new URL('./browser/console.css', import.meta.url), 'utf8')
  return { script, style }
}
