import { describe, expect, it, vi } from 'vitest'
import { withCleanUp } from './with-deadline'

describe('withCleanUp', () => {
  it('returns the result after running every step in order', async () => {
    const ran: string[] = []
    const step = (name: string) => [name, async () => ran.push(name)] as const
    expect(await withCleanUp(async () => 42, [step('a'), step('b')])).toBe(42)
    expect(ran).toEqual(['a', 'b'])
  })

  it('fails with the name of a step that never ends instead of hanging', async () => {
    const never = () => new Promise<never>(() => {})
    await expect(withCleanUp(async () => 1, [['rh close', never]], 5)).rejects.toThrow(
      'rh close: not done after 5 ms',
    )
  })

  it('keeps the run’s own error and prints a clean-up failure after it', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ran: string[] = []
    const run = withCleanUp(async () => {
      throw new Error('burst: not done')
    }, [
      ['rh close', async () => Promise.reject(new Error('close broke'))],
      ['receiver close', async () => ran.push('receiver')],
    ])
    await expect(run).rejects.toThrow('burst: not done')
    expect(ran).toEqual(['receiver'])
    expect(printed).toHaveBeenCalledWith('rh close failed after the run failed:', expect.any(Error))
    printed.mockRestore()
  })
})
