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
  // Never bundled: @rh/protocol is a dependency, so `err instanceof ProtocolError` holds for the
  // errors the server throws (one copy, one class); the test kit's vitest must be the user's own,
  // the one it registers tests with (an optional peer).
  { external: ['@rh/protocol', 'vitest'] },
)
