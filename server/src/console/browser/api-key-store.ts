const KEY = 'rh-console:api-key'

/**
 * Where the signed-in API key lives: this tab's `sessionStorage` (gone when the tab closes, never
 * in the URL, never logged), or memory alone when storage is refused.
 *
 * @example
 * const keys = apiKeyStore()
 * keys.set('s3cret')
 */
export function apiKeyStore() {
  let memory: string | null = null
  const storage = (() => {
    try {
      return window.sessionStorage
    } catch {
      return null
    }
  })()
  return {
    get(): string | null {
      try {
        return storage?.getItem(KEY) ?? memory
      } catch {
        return memory
      }
    },
    set(key: string) {
      memory = key
      try {
        storage?.setItem(KEY, key)
      } catch {}
    },
    clear() {
      memory = null
      try {
        storage?.removeItem(KEY)
      } catch {}
    },
  }
}
