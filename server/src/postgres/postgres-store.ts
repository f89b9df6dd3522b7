import type { Row, Sql } from 'postgres'
import { coalesceCalls } from '../coalesce-calls'
import type { Page } from '../page'
import type { ListQuery, StoredSubscription, SubscriptionStore } from '../store/subscription-store'
import { createOutcomeGroup } from './outcome-group'
import { parseTextArray, textArray } from './text-array'

const iso = (value: unknown) =>
  value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString()

function toSubscription(row: Row): StoredSubscription {
  return {
    id: row.id,
    owner: row.owner,
    target_url: row.target_url,
    // An array, or its text when the driver read the row before it knew `text[]` (text-array.ts).
    events: Array.isArray(row.events) ? row.events : parseTextArray(String(row.events)),
    status: row.status,
    metadata: row.metadata,
    secret: row.secret ?? null,
    consecutive_failures: Number(row.consecutive_failures),
    created_at: iso(row.created_at),
    updated_at: iso(row.updated_at),
  }
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
  // The hot reads (one `match` per notify, one `get` per attempt) share a query per key.
  const getRows = coalesceCalls((key) => {
    const [owner, id] = JSON.parse(key) as [string, string]
    return sql`select * from rh_subscriptions where owner = ${owner} and id = ${id}`
  })
  const matchRows = coalesceCalls((key) => {
    const [owner, event] = JSON.parse(key) as [string, string]
    return sql`
      select s.* from rh_subscription_events e
      join rh_subscriptions s on s.id = e.subscription_id
      where e.owner = ${owner} and e.event = ${event} and s.status = 'active'
      order by s.id`
  })
  const outcomes = createOutcomeGroup(sql)
  return {
    async create(s) {
      await sql.begin(async (tx) => {
        await tx`
          insert into rh_subscriptions (id, owner, target_url, events, status, metadata, secret,
            consecutive_failures, created_at, updated_at)
          values (${s.id}, ${s.owner}, ${s.target_url}, ${textArray(s.events)}::text[], ${s.status},
            ${tx.json(s.metadata)}, ${s.secret}, ${s.consecutive_failures}, ${s.created_at},
            ${s.updated_at})`
        await tx`
          insert into rh_subscription_events (owner, event, subscription_id)
          select ${s.owner}, unnest(${textArray(new Set(s.events))}::text[]), ${s.id}`
      })
    },

    async get(owner, id) {
      const [row] = await getRows(JSON.stringify([owner, id]))
      return row ? toSubscription(row) : null
    },

    async list(owner: string, query: ListQuery): Promise<Page<StoredSubscription>> {
      const byEvent =
        query.event === undefined
          ? sql``
          : sql`and id in (select subscription_id from rh_subscription_events
                           where owner = ${owner} and event = ${query.event})`
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
