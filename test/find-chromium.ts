import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'

const names = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']

/**
 * The Chromium the browser tests drive: `$CHROMIUM_PATH`, else the first of `chromium`,
 * `chromium-browser`, `google-chrome` on the `PATH` (Debian's package installs `chromium`), or
 * `null` when there is none.
 *
 * @example
 * const executablePath = findChromium(process.env)
 */
export function findChromium(env: Record<string, string | undefined>): string | null {
  if (env.CHROMIUM_PATH) return env.CHROMIUM_PATH
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    for (const name of names) {
      const candidate = join(dir, name)
      try {
        accessSync(candidate, constants.X_OK)
        return candidate
      } catch {}
    }
  }
  return null
}
