import type { BrowserAsset } from './bundle-browser-asset'

export type { BrowserAsset }

let bundled: Promise<BrowserAsset> | undefined

/**
 * The console's browser script and stylesheet. In the published package the build replaces this
 * module with one that returns the texts bundled at build time (server/tsup.config.ts), so the
 * package needs neither esbuild nor a network at run time; from sources (tests, `tsx`) it
 * bundles them once, on first use.
 *
 * @example
 * const { script } = await loadBrowserAsset()
 */
export function loadBrowserAsset(): Promise<BrowserAsset> {
  bundled ??= import('./bundle-browser-asset').then(({ bundleBrowserAsset }) =>
    bundleBrowserAsset(),
  )
  return bundled
}
