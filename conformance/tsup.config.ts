import { packageConfig } from '../tsup.config'

export default [
  packageConfig({ index: 'src/index.ts' }, { platform: 'node', removeNodeProtocol: false }),
  // The executable: ESM only, with a shebang, beside the library in dist/.
  packageConfig(
    { cli: 'src/bin.ts' },
    {
      platform: 'node',
      removeNodeProtocol: false,
      format: ['esm'],
      dts: false,
      clean: false,
      banner: { js: '#!/usr/bin/env node' },
    },
  ),
]
