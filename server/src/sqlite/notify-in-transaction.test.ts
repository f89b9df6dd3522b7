import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Outbox, outboxOwner, startOutbox } from '../../../test/outbox'
import { createResthooks, type Resthooks } from '../create-resthooks'
import { ResthooksError } from '../errors'
import { manualClock } from '../testing/manual-clock'
import type { SqliteDriver } from './driver'
import { openSqlite } from './open-sqlite'
import { type Sqlite, sqlite } from './sqlite'

// The transactional outbox on SQLite: notify inside `sqlite(…).transaction(fn)`, on the storage's
// own connection, with a real file and a real receiver.

const owner = outboxOwner
const subscriptionId = 'sub_01J9Z8Q4B7M2X5R8T1V3W6Y9S1'
const lease = 60_000
const dir = mkdtempSync(join(tmpdir(), 'rh-outbox-'))
const path = join(dir, 'app.db')

let db: Sqlite
/** A second connection to the same file: sees only what committed. */
let outside: SqliteDriver
let outbox: Outbox
let rh: Resthooks
const clock = manualClock(Date.now())

beforeAll(async () => {
  db = sqlite({ path })
  await db.migrate()
  outside = await openSqlite(path)
  await db.transaction((tx) =>
    tx.exec('create table orders (n integer primary key, message_id text)'),
  )
  outbox = await startOutbox(db, {
    clock,
    leaseMs: lease,
    subscriptionId,
    begin: (work) => db.transaction(work),
  })
  rh = outbox.rh
})

afterAll(async () => {
  await outbox?.close()
  outside?.close()
  rmSync(dir, { recursive: true, force: true })
})

const times = (id: string) => outbox.times(id)
const settled = (id: string) => outbox.settled(id)
const settleEverything = () => outbox.settleEverything()
const committedRows = (table: 'rh_messages' | 'rh_jobs', id: string) =>
  outside.all(`select 1 from ${table} where ${table === 'rh_jobs' ? 'message_id' : 'id'} = ?`, [id])
    .length

describe('notify inside a sqlite transaction', () => {
  it('delivers once what commits with the business row, woken by the commit', async () => {
    const { message_id: id } = await db.transaction(async (tx) => {
      tx.run('insert into orders (n) values (?)', [1])
      const receipt = await rh.notify(owner, 'order.created', { n: 1 }, { tx })
      tx.run('update orders set message_id = ? where n = ?', [receipt.message_id, 1])
      // Another connection sees nothing of it before the commit.
      expect(committedRows('rh_messages', receipt.message_id)).toBe(0)
      return receipt
    })
    expect(outside.all('select message_id from orders where n = 1', [])).toEqual([
      { message_id: id },
    ])
    // The clock never moves: the commit wakes the workers.
    await settled(id)
    await settleEverything()
    expect(times(id)).toBe(1)
  })

  it('never delivers what rolls back, nor keeps the business row', async () => {
    let id = ''
    const failed = db.transaction(async (tx) => {
      tx.run('insert into orders (n) values (?)', [2])
      id = (await rh.notify(owner, 'order.created', { n: 2 }, { tx })).message_id
      throw new Error('the order is refused')
    })
    await expect(failed).rejects.toThrow('the order is refused')
    await settleEverything()
    expect(times(id)).toBe(0)
    expect(committedRows('rh_messages', id) + committedRows('rh_jobs', id)).toBe(0)
    expect(outside.all('select n from orders where n = 2', [])).toEqual([])
  })

  it('keeps an idempotency key inside transactions, and frees it when one rolls back', async () => {
    const idempotencyKey = 'order-3-created'
    const rolledBack = db.transaction(async (tx) => {
      await rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey })
      throw new Error('rolled back')
    })
    await expect(rolledBack).rejects.toThrow('rolled back')
    const taken = await db.transaction((tx) =>
      rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey }),
    )
    expect(taken.duplicate).toBeUndefined()
    const again = await db.transaction((tx) =>
      rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey }),
    )
    expect(again).toEqual({ message_id: taken.message_id, deliveries: 0, duplicate: true })
    await settled(taken.message_id)
    await settleEverything()
    expect(times(taken.message_id)).toBe(1)
  })

  it("makes rh's own writes wait for the transaction instead of joining it", async () => {
    let updating: Promise<unknown> = Promise.resolve()
    const failed = db.transaction(async (tx) => {
      tx.run('insert into orders (n) values (?)', [4])
      updating = rh.store.update(owner, subscriptionId, {
        metadata: { note: 'kept' },
        updated_at: new Date(clock.now()).toISOString(),
      })
      // A round of I/O: the update would have run by now, inside this transaction.
      await new Promise((resolve) => setImmediate(resolve))
      throw new Error('rolled back')
    })
    await expect(failed).rejects.toThrow('rolled back')
    await updating
    expect((await rh.store.get(owner, subscriptionId))?.metadata).toEqual({ note: 'kept' })
    expect(outside.all('select n from orders where n = 4', [])).toEqual([])
  })

  it('refuses a transaction of another storage, and one that has ended', async () => {
    const other = sqlite({ path: join(dir, 'other.db') })
    try {
      const foreign = other.transaction((tx) => rh.notify(owner, 'order.created', { n: 5 }, { tx }))
      await expect(foreign).rejects.toBeInstanceOf(ResthooksError)
      const ended = await db.transaction((tx) => tx)
      await expect(rh.notify(owner, 'order.created', { n: 5 }, { tx: ended })).rejects.toThrow(
        /ended/,
      )
      expect(() => ended.run('insert into orders (n) values (5)')).toThrow(/ended/)
    } finally {
      await other.close()
    }
  })
})

describe('notify with tx on the memory storage', () => {
  it('is refused: there is no transaction to join', async () => {
    const memory = createResthooks({ authenticate: () => null })
    try {
      const error = await memory.notify(owner, 'order.created', {}, { tx: {} }).catch((e) => e)
      expect(error).toBeInstanceOf(ResthooksError)
      expect(error.message).toMatch(/memory queue/)
    } finally {
      await memory.close()
    }
  })
})
