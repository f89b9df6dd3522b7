import pg from 'pg'
import type { Sql } from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type Outbox, outboxOwner, outboxSecret, startOutbox } from '../../../test/outbox'
import { connect, postgresUrl, testSchema } from '../../../test/postgres'
import { lineReader, signalChild, spawnTs } from '../../../test/spawn-ts'
import type { Resthooks } from '../create-resthooks'
import { ResthooksError } from '../errors'
import { manualClock } from '../testing/manual-clock'
import type { VerifyingReceiver } from '../testing/receiver'
import { postgres } from './postgres'

// The transactional outbox on the real PostgreSQL: notify inside the application's transaction
// (the `postgres` driver's `sql.begin`, node-postgres through `SqlExecutor`), in process and
// across child processes that are SIGKILLed mid-transaction or run many transactions at once.

const owner = outboxOwner
const lease = 60_000

let db: Awaited<ReturnType<typeof testSchema>>
let app: Sql
let outbox: Outbox
let receiver: VerifyingReceiver
let rh: Resthooks
const clock = manualClock(Date.now())

beforeAll(async () => {
  db = await testSchema()
  app = connect(db.schema, { max: 2 })
  await app`create table outbox_orders (n integer primary key, message_id text)`
  const storage = postgres(connect(db.schema, { max: 2 }))
  await storage.migrate()
  outbox = await startOutbox(storage, {
    clock,
    leaseMs: lease,
    subscriptionId: 'sub_01J9Z8Q4B7M2X5R8T1V3W6Y9T1',
    begin: (work) => app.begin(work),
  })
  ;({ rh, receiver } = outbox)
})

afterAll(async () => {
  await outbox?.close()
  await app?.end({ timeout: 5 })
  await db?.drop()
})

const times = (id: string) => outbox.times(id)
const settled = (id: string) => outbox.settled(id)
const settleEverything = () => outbox.settleEverything()

const messageRows = async (id: string) =>
  (await app`select id from rh_messages where id = ${id}`).length +
  (await app`select id from rh_jobs where message_id = ${id}`).length

describe('notify inside a transaction of the postgres driver', () => {
  it('delivers once a committed transaction, woken by its commit', async () => {
    let id = ''
    await app.begin(async (tx) => {
      await tx`insert into outbox_orders (n) values (1)`
      const receipt = await rh.notify(owner, 'order.created', { n: 1 }, { tx })
      id = receipt.message_id
      expect(receipt.deliveries).toBe(1)
      // Not visible outside the transaction before its commit: nothing can be claimed yet.
      expect(await rh.queue.getMessage(owner, id)).toBeNull()
    })
    // The clock never moves: only the NOTIFY sent at commit wakes the workers.
    await settled(id)
    await settleEverything()
    expect(times(id)).toBe(1)
    expect(receiver.deliveries.find((d) => d.id === id)?.verified).toBe(true)
  })

  it('never delivers a rolled-back transaction, nor keeps its business row', async () => {
    let id = ''
    const failed = app.begin(async (tx) => {
      await tx`insert into outbox_orders (n) values (2)`
      id = (await rh.notify(owner, 'order.created', { n: 2 }, { tx })).message_id
      throw new Error('the order is refused')
    })
    await expect(failed).rejects.toThrow('the order is refused')
    await settleEverything()
    expect(times(id)).toBe(0)
    expect(await messageRows(id)).toBe(0)
    expect(await app`select n from outbox_orders where n = 2`).toHaveLength(0)
  })

  it('keeps an idempotency key inside transactions, and frees it when one rolls back', async () => {
    const key = 'order-3-created'
    const first = await app
      .begin(async (tx) => {
        await rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey: key })
        throw new Error('rolled back')
      })
      .catch(() => null)
    expect(first).toBeNull()
    const taken = await app.begin((tx) =>
      rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey: key }),
    )
    expect(taken.duplicate).toBeUndefined()
    const again = await app.begin((tx) =>
      rh.notify(owner, 'order.created', { n: 3 }, { tx, idempotencyKey: key }),
    )
    expect(again).toEqual({ message_id: taken.message_id, deliveries: 0, duplicate: true })
    await settled(taken.message_id)
    await settleEverything()
    expect(times(taken.message_id)).toBe(1)
  })

  it('refuses the root sql, whose statements would commit alone', async () => {
    const error = await rh.notify(owner, 'order.created', {}, { tx: app }).catch((e) => e)
    expect(error).toBeInstanceOf(ResthooksError)
    expect(error.message).toMatch(/sql\.begin/)
  })
})

describe('notify inside a node-postgres transaction (SqlExecutor)', () => {
  const client = () =>
    new pg.Client({ connectionString: postgresUrl, options: `-c search_path=${db.schema}` })

  it('delivers what commits and never what rolls back', async () => {
    const pgClient = client()
    await pgClient.connect()
    try {
      await pgClient.query('begin')
      await pgClient.query('insert into outbox_orders (n) values ($1)', [10])
      const kept = await rh.notify(owner, 'order.created', { n: 10 }, { tx: pgClient })
      await pgClient.query('commit')

      await pgClient.query('begin')
      await pgClient.query('insert into outbox_orders (n) values ($1)', [11])
      const dropped = await rh.notify(owner, 'order.created', { n: 11 }, { tx: pgClient })
      const keyed = await rh.notify(
        owner,
        'order.created',
        { n: 11 },
        { tx: pgClient, idempotencyKey: 'pg-11' },
      )
      await pgClient.query('rollback')

      await settled(kept.message_id)
      await settleEverything()
      expect(times(kept.message_id)).toBe(1)
      expect(times(dropped.message_id)).toBe(0)
      expect(await messageRows(dropped.message_id)).toBe(0)
      expect(await messageRows(keyed.message_id)).toBe(0)
      expect((await app`select n from outbox_orders where n in (10, 11)`).map((r) => r.n)).toEqual([
        10,
      ])
    } finally {
      await pgClient.end()
    }
  })
})

/** A child server of `test/fixtures/outbox-child.ts` and the outcomes it printed. */
async function startChild() {
  const child = spawnTs('test/fixtures/outbox-child.ts', [
    '--postgres',
    `${postgresUrl}?search_path=${db.schema}`,
    '--target',
    receiver.url,
    '--secret',
    outboxSecret,
    // On this process's clock: a lease a child takes has not run out here, nor the reverse.
    '--clock-offset',
    String(clock.now() - Date.now()),
  ])
  const stderr: string[] = []
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => stderr.push(chunk))
  const lines = lineReader(child)
  await lines
    .next((line) => line === 'ready')
    .catch((error) => {
      throw new Error(`the outbox child did not start: ${stderr.join('')}`, { cause: error })
    })
  /** Outcome lines (`committed <n> <id>`, …) by kind. */
  const outcomes = (kind: string) =>
    lines.lines
      .map((line) => line.split(' '))
      .filter(([k]) => k === kind)
      .map(([, n, id]) => ({ n: Number(n), id: String(id) }))
  return {
    send: (line: string) => void child.stdin?.write(`${line}\n`),
    lines,
    outcomes,
    stderr: () => stderr.join(''),
    kill: (signal: NodeJS.Signals) => signalChild(child, signal),
  }
}

describe('notify inside transactions of other processes', () => {
  it('keeps neither the business row nor a delivery when SIGKILLed before the commit', async () => {
    const child = await startChild()
    child.send('tx 500 hang')
    const written = await child.lines.next((line) => line.startsWith('written 500 '))
    const id = written.split(' ')[2] as string
    expect(await child.kill('SIGKILL')).toBe('SIGKILL')

    await settleEverything()
    expect(times(id)).toBe(0)
    expect(await messageRows(id)).toBe(0)
    expect(await app`select n from outbox_orders where n = 500`).toHaveLength(0)
  }, 30_000)

  it('delivers every committed message exactly once, from three processes at once', async () => {
    const children = await Promise.all([1, 2, 3].map(() => startChild()))
    const perChild = 40
    for (const [i, child] of children.entries()) child.send(`burst ${1000 * (i + 1)} ${perChild}`)
    const outcome = (line: string) => /^(committed|rolledback|failed) /.test(line)
    for (const child of children) {
      for (let i = 0; i < perChild; i++) await child.lines.next(outcome)
    }
    expect(children.flatMap((child) => child.outcomes('failed'))).toEqual([])
    const committed = children.flatMap((child) => child.outcomes('committed'))
    const rolledBack = children.flatMap((child) => child.outcomes('rolledback'))
    expect(committed).toHaveLength(90)
    expect(rolledBack).toHaveLength(30)
    await receiver.waitFor(() => committed.every(({ id }) => times(id) > 0))

    // The children stop once their outcomes are written; then this process moves past every
    // lease and sends one more committed message: whatever was left pending would come again.
    for (const child of children) expect(await child.kill('SIGTERM'), child.stderr()).toBe(0)
    await settleEverything()

    expect(committed.filter(({ id }) => times(id) !== 1)).toEqual([])
    expect(rolledBack.filter(({ id }) => times(id) !== 0)).toEqual([])
    const orders = await app`
      select n, message_id from outbox_orders where n >= 1000 and n < 4000 order by n`
    expect(orders.map((o) => ({ n: o.n, id: o.message_id }))).toEqual(
      [...committed].sort((a, b) => a.n - b.n),
    )
  }, 60_000)
})
