import type { Plugin } from 'esbuild'
import { packageConfig } from '../tsup.config'
import { type BrowserAsset, bundleBrowserAsset } from './src/console/bundle-browser-asset'

let consoleAsset: Promise<BrowserAsset> | undefined
/**
 * The console's browser code is bundled here, once (with @rh/client from its sources), and its
 * texts replace `src/console/browser-asset.ts`: the package serves them without esbuild or a CDN.
 */
const embedConsoleAsset: Plugin = {
  name: 'embed-console-asset',
  setup(build) {
    build.onLoad({ filter: /[\\/]console[\\/]browser-asset\.ts$/ }, async () => {
      consoleAsset ??= bundleBrowserAsset()
      const asset = JSON.stringify(await consoleAsset)
      return {
        loader: 'ts',
        contents: `/** The console's browser script and stylesheet, bundled at build time. */\nexport function loadBrowserAsset() { return Promise.resolve(${asset}) }\n`,
      }
    })
  },
}

export default packageConfig(
  {
    index: 'src/index.ts',
    node: 'src/node/index.ts',
    transports: 'src/delivery/transports/index.ts',
    testing: 'src/testing/index.ts',
    postgres: 'src/postgres/index.ts',
    sqlite: 'src/sqlite/index.ts',
    cli: 'src/cli/index.ts',
    console: 'src/console/index.ts',
  },
  // Never bundled: @rh/protocol is a dependency, so `err instanceof ProtocolError` holds for the
  // errors the server throws (one copy, one class); the test kit's vitest must be the user's own,
  // the one it registers tests with (an optional peer).
  { external: ['@rh/protocol', 'vitest'], esbuildPlugins: [embedConsoleAsset] },
)
