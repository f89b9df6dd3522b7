import type { Row, Sql } from 'postgres'
import { createGroupCommit, type Waiter } from '../queue/group-commit'
import { textArray } from './text-array'

interface PendingRead extends Waiter<Row | undefined> {
  owner: string
  id: string
}

/**
 * Reads of one subscription row by (owner, id), batched: the reads asked for in one synchronous
 * run (a claimed batch's subscriptions, a fan-out's hundreds of them) are ONE query by primary
 * key, and reads asked for while it is on the wire form the next one. So a claim of 128 jobs of
 * 128 subscriptions costs one round trip, not 128, and a read still never answers with a row
 * read before it was asked for. A row of another owner is no answer (owners stay apart).
 *
 * @example
 * const readRow = subscriptionRowReader(sql)
 * const row = await readRow('acme', 'sub_01JB8X6T3QH6W2Y9V4KZP7M5RC') // undefined when absent
 */
export function subscriptionRowReader(sql: Sql) {
  const reads = createGroupCommit(async (group: PendingRead[]) => {
    const ids = [...new Set(group.map((read) => read.id))]
    const rows = await sql`select * from rh_subscriptions where id = any(${textArray(ids)}::text[])`
    const byId = new Map<string, Row>()
    for (const row of rows) byId.set(row.id, row)
    for (const read of group) {
      const row = byId.get(read.id)
      read.resolve(row?.owner === read.owner ? row : undefined)
    }
  })
  return (owner: string, id: string): Promise<Row | undefined> =>
    new Promise((resolve, reject) => reads.add({ owner, id, resolve, reject }))
}
