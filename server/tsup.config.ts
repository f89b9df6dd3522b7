import { packageConfig } from '../tsup.config'

export default packageConfig(
  {
    index: 'src/index.ts',
    node: 'src/node/index.ts',
    transports: 'src/delivery/transports/index.ts',
    testing: 'src/testing/index.ts',
    postgres: 'src/postgres/index.ts',
    sqlite: 'src/sqlite/index.ts',
    cli: 'src/cli/index.ts',
  },
  // The test kit imports vitest; the user's own copy must be the one it registers tests with.
  { external: ['vitest'] },
)
