import { packageConfig } from '../tsup.config'

export default packageConfig({
  index: 'src/index.ts',
  postgres: 'src/postgres/index.ts',
  sqlite: 'src/sqlite/index.ts',
  cli: 'src/cli/index.ts',
})
