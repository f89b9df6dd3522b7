import type { AttemptRecord, DeliveryJob } from '../queue/delivery-queue'
import type { QueueWrite } from '../queue/queue-write'
import type { SqliteDriver, SqliteValue } from './driver'

/** Rows per multi-row statement: 32 x 12 parameters stays far below SQLite's limit. */
const CHUNK = 32

const jobColumns =
  'id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at, created_at, available_at'
const attemptColumns =
  'id, subscription_id, owner, message_id, event, attempt, outcome, response_status, error, duration_ms, started_at, next_attempt_at'

const statements = {
  enqueue: (rows: number) =>
    `insert into rh_jobs (${jobColumns}) values ${repeat('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)}
     on conflict (id) do nothing`,
  complete: (rows: number) => `delete from rh_jobs where id in (${repeat('?', rows)})`,
  attempt: (rows: number) =>
    `insert into rh_attempts (${attemptColumns})
     values ${repeat('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)} on conflict (id) do nothing`,
}
const rescheduleSql =
  'update rh_jobs set attempt = ?, next_attempt_at = ?, available_at = ? where id = ?'
const cancelSql = 'delete from rh_jobs where subscription_id = ?'

const repeat = (text: string, times: number) => Array.from({ length: times }, () => text).join(', ')

/** The SQL of each statement by row count, built once. */
const sqlCache = new Map<string, string>()
function sqlFor(kind: keyof typeof statements, rows: number): string {
  const key = `${kind}${rows}`
  let sql = sqlCache.get(key)
  if (sql === undefined) {
    sql = statements[kind](rows)
    sqlCache.set(key, sql)
  }
  return sql
}

function jobParams(params: SqliteValue[], job: DeliveryJob) {
  params.push(
    job.id,
    job.message_id,
    job.subscription_id,
    job.owner,
    job.event,
    job.body,
    job.attempt,
    job.next_attempt_at,
    job.created_at,
    job.next_attempt_at,
  )
}

function attemptParams(params: SqliteValue[], a: AttemptRecord) {
  params.push(
    a.id,
    a.subscription_id,
    a.owner,
    a.message_id,
    a.event,
    a.attempt,
    a.outcome,
    a.response_status,
    a.error,
    a.duration_ms,
    a.started_at,
    a.next_attempt_at,
  )
}

/** Writes `items` with one statement per {@link CHUNK} rows. */
function inChunks<T>(
  db: SqliteDriver,
  kind: keyof typeof statements,
  items: readonly T[],
  add: (params: SqliteValue[], item: T) => void,
) {
  for (let start = 0; start < items.length; start += CHUNK) {
    const end = Math.min(items.length, start + CHUNK)
    const params: SqliteValue[] = []
    for (let i = start; i < end; i++) add(params, items[i] as T)
    db.run(sqlFor(kind, end - start), params)
  }
}

/**
 * Applies the writes of one group commit (inside its transaction), alike ones together: the
 * jobs to insert in multi-row `INSERT`s, the completed ones in `DELETE ... IN`, the attempts in
 * multi-row `INSERT`s; per-statement work is a large share of a small write's cost. The result is
 * the same as writing them one by one in order, because writes to different jobs commute (and
 * attempts touch no job): when two writes name the same job, or a subscription is cancelled
 * (which touches jobs by subscription), they are written one by one.
 *
 * @example
 * transaction(db, () => applyQueueWrites(db, [{ kind: 'complete', id: 'dlv_1' }]))
 */
export function applyQueueWrites(db: SqliteDriver, writes: readonly QueueWrite[]): void {
  const kinds = byKind(writes)
  if (kinds === null) {
    writeInOrder(db, writes)
    return
  }
  inChunks(db, 'enqueue', kinds.enqueued, jobParams)
  inChunks(db, 'complete', kinds.completed, (params, id) => params.push(id))
  for (const r of kinds.rescheduled) db.run(rescheduleSql, [r.attempt, r.at, r.at, r.id])
  inChunks(db, 'attempt', kinds.attempts, attemptParams)
}

/** The writes sorted by kind, or `null` when they must be written one by one, in order. */
function byKind(writes: readonly QueueWrite[]) {
  const enqueued: DeliveryJob[] = []
  const completed: string[] = []
  const attempts: AttemptRecord[] = []
  const rescheduled: Array<Extract<QueueWrite, { kind: 'reschedule' }>> = []
  const jobs = new Set<string>()
  /** Whether an earlier write of the group named job `id`. */
  const again = (id: string) => {
    if (jobs.has(id)) return true
    jobs.add(id)
    return false
  }
  for (const write of writes) {
    switch (write.kind) {
      case 'attempt':
        attempts.push(write.record)
        continue
      case 'cancel':
        return null
      case 'enqueue':
        for (const job of write.jobs) {
          if (again(job.id)) return null
          enqueued.push(job)
        }
        continue
      case 'complete':
        if (again(write.id)) return null
        completed.push(write.id)
        continue
      case 'reschedule':
        if (again(write.id)) return null
        rescheduled.push(write)
    }
  }
  return { enqueued, completed, attempts, rescheduled }
}

function writeInOrder(db: SqliteDriver, writes: readonly QueueWrite[]) {
  for (const write of writes) {
    if (write.kind === 'enqueue') inChunks(db, 'enqueue', write.jobs, jobParams)
    else if (write.kind === 'complete') db.run(sqlFor('complete', 1), [write.id])
    else if (write.kind === 'attempt') inChunks(db, 'attempt', [write.record], attemptParams)
    else if (write.kind === 'cancel') db.run(cancelSql, [write.subscriptionId])
    else db.run(rescheduleSql, [write.attempt, write.at, write.at, write.id])
  }
}
