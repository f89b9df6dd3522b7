import { defineConfig, type Options } from 'tsup'

/**
 * The one build config every package shares: ESM + CJS + `.d.ts` from `src/`.
 * A package passes its entry points (one per `exports` subpath).
 */
export function packageConfig(entry: Record<string, string>, overrides: Options = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    platform: 'neutral',
    splitting: true,
    treeshake: true,
    ...overrides,
  })
}
