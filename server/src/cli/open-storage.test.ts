import { describe, expect, it } from 'vitest'
import { openStorage } from './open-storage'

describe('openStorage', () => {
  it('tells how to install the postgres driver when --postgres finds none', async () => {
    const missing = () =>
      Promise.reject(
        Object.assign(new Error("Cannot find package 'postgres'"), {
          code: 'ERR_MODULE_NOT_FOUND',
        }),
      )
    await expect(
      openStorage(
        { kind: 'postgres', url: 'postgres://127.0.0.1/test' },
        { loadPostgres: missing },
      ),
    ).rejects.toThrow(/npm i postgres/)
  })
})
