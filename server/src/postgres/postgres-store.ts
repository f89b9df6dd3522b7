import { eventKeys } from '@rh/protocol'
import type { Row, Sql, TransactionSql } from 'postgres'
import { coalesceCalls } from '../coalesce-calls'
import type { Page } from '../page'
import type { ListQuery, StoredSubscription, SubscriptionStore } from '../store/subscription-store'
import { createOutcomeGroup } from './outcome-group'
import { subscriptionRowReader } from './subscription-reads'
import { parseTextArray, textArray } from './text-array'

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()

/**
 * The new value of a column a patch may set to `null`: the given value, or the column itself
 * (unchanged) when the patch leaves it out.
 */
function settable(sql: TransactionSql, column: string, value: string | null | undefined) {
  return value === undefined ? sql(column) : sql`${value}`
}

function toSubscription(row: Row): StoredSubscription {
  const subscription: StoredSubscription = {
    id: row.id,
    owner: row.owner,
    target_url: row.target_url,
    // An array, or its text when the driver read the row before it knew `text[]` (text-array.ts).
    events: Array.isArray(row.events) ? row.events : parseTextArray(String(row.events)),
    status: row.status,
    metadata: row.metadata,
    secret: row.secret ?? null,
    previous_secret: row.previous_secret ?? null,
    previous_secret_expires_at:
      row.previous_secret_expires_at === null || row.previous_secret_expires_at === undefined
        ? null
        : iso(row.previous_secret_expires_at),
    consecutive_failures: Number(row.consecutive_failures),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
  // A copy: batched and coalesced reads share the driver's row between callers.
  if (row.filter != null) subscription.filter = structuredClone(row.filter)
  if (row.ordering === 'fifo') subscription.ordering = 'fifo'
  return subscription
}

/**
 * A {@link SubscriptionStore} on PostgreSQL (the `postgres` driver). Run {@link migrate} first.
 * Events live in a join table keyed by (owner, event), so `match` is an index lookup. Pages are
 * newest first; the cursor is the last id.
 *
 * @example
 * await migrate(sql)
 * const store = postgresStore(sql)
 */
export function postgresStore(sql: Sql): SubscriptionStore {
  // The hot reads: the `get`s of a claimed batch share one query; a `match` per notify shares
  // one per key with the notifies of the same event made while it runs.
  const readRow = subscriptionRowReader(sql)
  const matchRows = coalesceCalls((key) => {
    const [owner, event] = JSON.parse(key) as [string, string]
    // The event's name and the patterns taking it: a few index lookups on (owner, event).
    return sql`
      select s.* from rh_subscriptions s
      where s.id in (select e.subscription_id from rh_subscription_events e
        where e.owner = ${owner} and e.event = any(${textArray(eventKeys(event))}::text[]))
        and s.status = 'active'
      order by s.id`
  })
  const outcomes = createOutcomeGroup(sql)
  return {
    async create(s) {
      await sql.begin(async (tx) => {
        await tx`
          insert into rh_subscriptions (id, owner, target_url, events, status, metadata, secret,
            previous_secret, previous_secret_expires_at, consecutive_failures, created_at,
            updated_at, filter, ordering)
          values (${s.id}, ${s.owner}, ${s.target_url}, ${textArray(s.events)}::text[], ${s.status},
            ${tx.json(s.metadata)}, ${s.secret}, ${s.previous_secret ?? null},
            ${s.previous_secret_expires_at ?? null}::timestamptz, ${s.consecutive_failures},
            ${s.created_at}, ${s.updated_at}, ${s.filter == null ? null : tx.json(s.filter as never)},
            ${s.ordering === 'fifo' ? 'fifo' : null})`
        await tx`
          insert into rh_subscription_events (owner, event, subscription_id)
          select ${s.owner}, unnest(${textArray(new Set(s.events))}::text[]), ${s.id}`
      })
    },

    async get(owner, id) {
      const row = await readRow(owner, id)
      return row ? toSubscription(row) : null
    },

    async list(owner: string, query: ListQuery): Promise<Page<StoredSubscription>> {
      const byEvent =
        query.event === undefined
          ? sql``
          : sql`and id in (select subscription_id from rh_subscription_events
                           where owner = ${owner}
                             and event = any(${textArray(eventKeys(query.event))}::text[]))`
      const after = query.cursor === undefined ? sql`` : sql`and id < ${query.cursor}`
      const rows = await sql`
        select * from rh_subscriptions where owner = ${owner} ${byEvent} ${after}
        order by id desc limit ${query.limit + 1}`
      const items = rows.slice(0, query.limit).map(toSubscription)
      const last = items.at(-1)
      return { items, nextCursor: rows.length > query.limit && last ? last.id : null }
    },

    async update(owner, id, patch) {
      return sql.begin(async (tx) => {
        const [row] = await tx`
          update rh_subscriptions set
            target_url = coalesce(${patch.target_url ?? null}, target_url),
            events = coalesce(${patch.events === undefined ? null : textArray(patch.events)}::text[], events),
            status = coalesce(${patch.status ?? null}, status),
            metadata = coalesce(${patch.metadata ? tx.json(patch.metadata) : null}::jsonb, metadata),
            consecutive_failures = coalesce(${patch.consecutive_failures ?? null}::integer,
              consecutive_failures),
            secret = ${settable(tx, 'secret', patch.secret)}::text,
            previous_secret = ${settable(tx, 'previous_secret', patch.previous_secret)}::text,
            previous_secret_expires_at =
              ${settable(tx, 'previous_secret_expires_at', patch.previous_secret_expires_at)}::timestamptz,
            filter = ${patch.filter === undefined ? tx('filter') : patch.filter === null ? null : tx.json(patch.filter as never)}::jsonb,
            ordering = ${patch.ordering === undefined ? tx('ordering') : patch.ordering === 'fifo' ? 'fifo' : null}::text,
            updated_at = ${patch.updated_at}
          where owner = ${owner} and id = ${id}
          returning *`
        if (!row) return null
        if (patch.events !== undefined) {
          await tx`delete from rh_subscription_events where subscription_id = ${id}`
          await tx`
            insert into rh_subscription_events (owner, event, subscription_id)
            select ${owner}, unnest(${textArray(new Set(patch.events))}::text[]), ${id}`
        }
        return toSubscription(row)
      }) as Promise<StoredSubscription | null>
    },

    async delete(owner, id) {
      const result = await sql`delete from rh_subscriptions where owner = ${owner} and id = ${id}`
      return result.count > 0
    },

    recordOutcome(owner, id, outcome) {
      // Grouped: one statement resets the counts of many delivered attempts (outcome-group.ts).
      return outcomes.record(owner, id, outcome)
    },

    async match(owner, event) {
      return (await matchRows(JSON.stringify([owner, event]))).map(toSubscription)
    },
  }
}
