import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { connectSqlite } from './connect-sqlite'
import { openWalSync } from './wal-sync'

const dir = mkdtempSync(join(tmpdir(), 'rh-wal-sync-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('openWalSync', () => {
  it('syncs the WAL of a file database, one sync for the calls made while one runs', async () => {
    const db = await connectSqlite({ path: join(dir, 'a.db') })
    const wal = await openWalSync(db)
    expect(wal).not.toBeNull()
    const first = wal?.sync()
    // These may follow a commit the running sync missed: they share the next one.
    const second = wal?.sync()
    const third = wal?.sync()
    expect(second).not.toBe(first)
    expect(third).toBe(second)
    await Promise.all([first, second, third])
    // Once idle, a sync starts at once again.
    const fourth = wal?.sync()
    expect(wal?.sync()).not.toBe(fourth)
    await fourth
    await wal?.close()
    db.close()
  })

  it('is null where there is no WAL file to sync', async () => {
    const memory = await connectSqlite({ path: ':memory:' })
    expect(await openWalSync(memory)).toBeNull()
    memory.close()
    const rollback = await connectSqlite({ path: join(dir, 'b.db') })
    rollback.exec('pragma journal_mode = delete')
    expect(await openWalSync(rollback)).toBeNull()
    rollback.close()
  })
})
