/** The JavaScript runtime running the bench. */
export interface RuntimeInfo {
  runtime: 'node' | 'bun' | 'deno'
  version: string
}

/**
 * Which runtime this is, and its version.
 *
 * @example
 * runtimeInfo() // { runtime: 'node', version: '24.21.0' }
 */
export function runtimeInfo(): RuntimeInfo {
  const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } }
  if (g.Bun) return { runtime: 'bun', version: g.Bun.version }
  if (g.Deno) return { runtime: 'deno', version: g.Deno.version.deno }
  return { runtime: 'node', version: process.version.slice(1) }
}
