import type { Sql } from 'postgres'
import { isoTime } from '../iso-time'
import { commitOrEachAlone, createGroupCommit, type Waiter } from '../queue/group-commit'
import type { DeliveryOutcome } from '../store/subscription-store'
import { textArray } from './text-array'

interface Pending extends Waiter<boolean> {
  owner: string
  id: string
  outcome: DeliveryOutcome
}

/** Resets the failure count of every subscription of `resets` that has one, in ONE statement. */
async function resetAll(sql: Sql, resets: readonly Pending[]): Promise<void> {
  // One row per subscription (the last call's time): an UPDATE ... FROM updates a row once.
  const last = new Map<string, Pending>()
  for (const pending of resets) last.set(`${pending.owner}\n${pending.id}`, pending)
  const rows = [...last.values()].map(({ owner, id, outcome }) => ({
    owner,
    id,
    at: isoTime(outcome.at),
  }))
  // A no-op for a count already at 0: no row lock, no WAL record, no commit flush. The rows to
  // reset are found by primary key and locked in id order, so two servers resetting the same
  // subscriptions at once never deadlock.
  await sql`
    update rh_subscriptions s set consecutive_failures = 0, updated_at = r.at
    from json_to_recordset(${JSON.stringify(rows)}::text::json)
      as r(owner text, id text, at timestamptz)
    where s.id = any(array(
        select id from rh_subscriptions
        where id = any(${textArray(rows.map((row) => row.id))}::text[]) and consecutive_failures <> 0
        order by id for update))
      and s.owner = r.owner and s.id = r.id`
}

/**
 * Counts one given-up delivery: the row is locked, counted and maybe disabled, and its status
 * before is returned, so exactly one of several concurrent failures (in any process) reports
 * the disabling.
 */
async function countFailure(sql: Sql, { owner, id, outcome }: Pending): Promise<boolean> {
  const [row] = await sql`
    with before as (
      select status from rh_subscriptions where owner = ${owner} and id = ${id} for update
    )
    update rh_subscriptions s set
      consecutive_failures = s.consecutive_failures + 1,
      status = case when s.status = 'active'
        and s.consecutive_failures + 1 >= ${outcome.disableAfter}::bigint then 'disabled' else s.status end,
      updated_at = ${isoTime(outcome.at)}
    from before
    where s.owner = ${owner} and s.id = ${id}
    returning before.status as previous, s.status`
  return row?.previous === 'active' && row.status === 'disabled'
}

/**
 * Group commit for `recordOutcome` of the PostgreSQL store. Every delivered attempt resets its
 * subscription's failure count: one statement per delivery was the hottest query of a busy
 * server. Calls made while a group is on the wire wait, then run in call order: each run of
 * resets as one statement (any number of subscriptions), each failure as its own statement
 * (it must say whether it disabled). Call order is kept within a process, so a failure counted
 * after a success is never wiped by that success's reset. Each call resolves once its statement
 * has committed; if a batched reset fails, each of its calls is retried alone, so only a faulty
 * one rejects.
 *
 * @example
 * const outcomes = createOutcomeGroup(sql)
 * await outcomes.record('acme', 'sub_1', { delivered: true, disableAfter: 5, at: Date.now() })
 */
export function createOutcomeGroup(sql: Sql) {
  const settleResets = (resets: readonly Pending[]) =>
    commitOrEachAlone(resets, async (some) => {
      await resetAll(sql, some)
      return false
    })

  const group = createGroupCommit(async (calls: Pending[]) => {
    let resets: Pending[] = []
    for (const pending of calls) {
      if (pending.outcome.delivered) {
        resets.push(pending)
        continue
      }
      await settleResets(resets)
      resets = []
      await countFailure(sql, pending).then(pending.resolve, pending.reject)
    }
    await settleResets(resets)
  })

  return {
    /** Resolves once the outcome has committed: `true` when this call disabled the subscription. */
    record(owner: string, id: string, outcome: DeliveryOutcome): Promise<boolean> {
      return new Promise<boolean>((resolve, reject) => {
        group.add({ owner, id, outcome, resolve, reject })
      })
    },
  }
}
