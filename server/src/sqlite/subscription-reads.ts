import type { StoredSubscription } from '../store/subscription-store'
import type { SqliteDriver, SqliteValue } from './driver'

/** Subscriptions kept before the cache starts over. */
const LIMIT = 10_000

const versionSql = 'select version from rh_subscriptions_version'

/** The reads the delivery path repeats, answered from memory while no subscription changed. */
export interface SubscriptionReads {
  /** `read()`'s answer, or a copy of the one given while nothing changed since. */
  get(owner: string, id: string, read: () => StoredSubscription | null): StoredSubscription | null
  /** `read()`'s answer, or a copy of the one given while nothing changed since. */
  match(owner: string, event: string, read: () => StoredSubscription[]): StoredSubscription[]
}

/**
 * Remembers subscription reads for as long as `rh_subscriptions_version` stays the same. Triggers
 * bump that counter on every insert, update and delete of a subscription or its events, made by
 * any connection of any process, so a read is answered from memory only when the database would
 * answer the same: one single-row read instead of a join and two JSON parses per `notify` and
 * per delivery. Callers get copies, as they would from the database.
 *
 * The counter itself is read once per run of queued microtasks, not once per read: reads issued
 * together (every delivery of a claimed batch, every `notify` resumed by one commit) share it.
 * That read is as current as one per call: each caller awaits before reading (the store's
 * methods all do), so a read that starts after the counter was taken resumes only after it was
 * dropped, and reads it afresh; a read that shares it had started before it was taken.
 *
 * Reads must not run inside a transaction that may roll back (the store's never do: a
 * transaction is a synchronous function), or they could remember rows that never committed.
 *
 * @example
 * const reads = subscriptionReads(db)
 * reads.get('alice', 'sub_1', () => readRow('alice', 'sub_1'))
 */
export function subscriptionReads(db: SqliteDriver): SubscriptionReads {
  let version: SqliteValue | undefined
  /** Whether `version` was read in the current run of microtasks (see above). */
  let fresh = false
  const stale = () => {
    fresh = false
  }
  // By owner, then id or event: no key built of both can mix two owners up.
  const gets = new Map<string, Map<string, StoredSubscription | null>>()
  const matches = new Map<string, Map<string, StoredSubscription[]>>()
  let size = 0

  function forget(current: SqliteValue | undefined) {
    version = current
    gets.clear()
    matches.clear()
    size = 0
  }

  /** The owner's entries, after forgetting everything if a subscription changed since. */
  function entries<T>(kind: Map<string, Map<string, T>>, owner: string): Map<string, T> {
    if (!fresh) {
      const now = db.all(versionSql, [])[0]?.version
      fresh = true
      queueMicrotask(stale)
      if (now !== version) forget(now)
    }
    if (size >= LIMIT) forget(version)
    let owned = kind.get(owner)
    if (!owned) {
      owned = new Map()
      kind.set(owner, owned)
    }
    return owned
  }

  return {
    get(owner, id, read) {
      const owned = entries(gets, owner)
      let row = owned.get(id)
      if (row === undefined) {
        row = read()
        owned.set(id, row)
        size++
      }
      return row && copy(row)
    },
    match(owner, event, read) {
      const owned = entries(matches, owner)
      let rows = owned.get(event)
      if (rows === undefined) {
        rows = read()
        owned.set(event, rows)
        size += 1 + rows.length
      }
      return rows.map(copy)
    },
  }
}

function copy(row: StoredSubscription): StoredSubscription {
  const copied = { ...row, events: [...row.events], metadata: { ...row.metadata } }
  if (row.filter != null) copied.filter = structuredClone(row.filter)
  return copied
}
