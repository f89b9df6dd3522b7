import type { AttemptRecord, DeliveryJob } from '../queue/delivery-queue'
import { type FinalStatus, IDEMPOTENCY_WINDOW_MS, type MessageRecord } from '../queue/message-log'
import type { QueueWrite } from '../queue/queue-write'
import { repeat, type SqliteDriver, type SqliteValue } from './driver'

/** Rows per multi-row statement: 32 x 12 parameters stays far below SQLite's limit. */
const CHUNK = 32

const jobColumns =
  'id, message_id, subscription_id, owner, event, body, attempt, next_attempt_at, created_at, available_at, updated_at, fifo'
const messageColumns = 'id, owner, event, body, created_at, idempotency_key'
const attemptColumns =
  'id, subscription_id, owner, message_id, event, attempt, outcome, response_status, error, response_excerpt, duration_ms, started_at, next_attempt_at'

const statements = {
  enqueue: (rows: number) =>
    `insert into rh_jobs (${jobColumns})
     values ${repeat('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)} on conflict (id) do nothing`,
  message: (rows: number) =>
    `insert into rh_messages (${messageColumns})
     values ${repeat('(?, ?, ?, ?, ?, ?)', rows)} on conflict (id) do nothing`,
  // The status's parameter comes first, then whether it counts the attempt just made (a
  // cancelled job was not attempted), then the ids. A job already final stays as it is.
  complete: (rows: number) =>
    `update rh_jobs set status = ?, attempt = attempt + ?, body = ''
     where id in (${repeat('?', rows)}) and status = 'pending'`,
  attempt: (rows: number) =>
    `insert into rh_attempts (${attemptColumns})
     values ${repeat('(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)', rows)} on conflict (id) do nothing`,
}
const rescheduleSql = `update rh_jobs set attempt = ?, next_attempt_at = ?, available_at = ?
  where id = ? and status = 'pending'`
const cancelSql = `update rh_jobs set status = 'cancelled', body = ''
  where subscription_id = ? and status = 'pending'`
const keyHolderSql = `select id, created_at from rh_messages
  where owner = ? and idempotency_key = ?`
const releaseKeySql = `update rh_messages set idempotency_key = null
  where owner = ? and idempotency_key = ?`

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

/** A job to insert, and whether its body is its message's (then the job row keeps none). */
interface JobRow {
  job: DeliveryJob
  bodyInMessage: boolean
}

/** The rows of an enqueue's jobs: a job whose bytes are its logged message's stores none. */
function jobRows(write: Extract<QueueWrite, { kind: 'enqueue' }>): JobRow[] {
  const { message } = write
  return write.jobs.map((job) => ({
    job,
    bodyInMessage:
      message !== undefined && job.message_id === message.id && job.body === message.body,
  }))
}

function jobParams(params: SqliteValue[], { job, bodyInMessage }: JobRow) {
  params.push(
    job.id,
    job.message_id,
    job.subscription_id,
    job.owner,
    job.event,
    bodyInMessage ? '' : job.body,
    job.attempt,
    job.next_attempt_at,
    job.created_at,
    job.next_attempt_at,
    job.created_at,
    job.fifo ? 1 : 0,
  )
}

function messageParams(params: SqliteValue[], m: MessageRecord) {
  params.push(m.id, m.owner, m.event, m.body, m.created_at, m.idempotency_key)
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
    a.response_excerpt ?? null,
    a.duration_ms,
    a.started_at,
    a.next_attempt_at,
  )
}

/** Writes `items` with one statement per {@link CHUNK} rows, each statement's parameters after `first`. */
function inChunks<T>(
  db: SqliteDriver,
  kind: keyof typeof statements,
  items: readonly T[],
  add: (params: SqliteValue[], item: T) => void,
  first: readonly SqliteValue[] = [],
) {
  for (let start = 0; start < items.length; start += CHUNK) {
    const end = Math.min(items.length, start + CHUNK)
    const params: SqliteValue[] = [...first]
    for (let i = start; i < end; i++) add(params, items[i] as T)
    db.run(sqlFor(kind, end - start), params)
  }
}

/** The parameters of `complete` before its ids: the status, and 1 when an attempt was made. */
const completeFirst = (status: FinalStatus): SqliteValue[] => [
  status,
  status === 'cancelled' ? 0 : 1,
]

/**
 * The id of the message that holds `message`'s idempotency key within its window, or `null` when
 * none does (then `message` takes the key: an expired holder lets go of it first).
 */
function keyHolder(db: SqliteDriver, message: MessageRecord): string | null {
  if (message.idempotency_key === null) return null
  const [holder] = db.all(keyHolderSql, [message.owner, message.idempotency_key])
  if (holder === undefined || String(holder.id) === message.id) return null
  if (Number(holder.created_at) > message.created_at - IDEMPOTENCY_WINDOW_MS)
    return String(holder.id)
  db.run(releaseKeySql, [message.owner, message.idempotency_key])
  return null
}

/**
 * Logs the messages of `writes` (enqueues), in order: keyless ones together, a keyed one alone
 * (it may repeat an earlier key). Returns the enqueues whose key an earlier message holds, with
 * that message's id: their message and jobs are not written.
 */
function logMessages(db: SqliteDriver, writes: readonly QueueWrite[]): Map<QueueWrite, string> {
  const duplicates = new Map<QueueWrite, string>()
  const keyless: MessageRecord[] = []
  for (const write of writes) {
    if (write.kind !== 'enqueue' || write.message === undefined) continue
    const message = write.message
    if (message.idempotency_key === null) {
      keyless.push(message)
      continue
    }
    const holder = keyHolder(db, message)
    if (holder === null) inChunks(db, 'message', [message], messageParams)
    else duplicates.set(write, holder)
  }
  inChunks(db, 'message', keyless, messageParams)
  return duplicates
}

/**
 * Applies the writes of one group commit (inside its transaction), alike ones together: the
 * messages and jobs to insert in multi-row `INSERT`s, the completed ones in one `UPDATE ... IN`
 * per status, the attempts in multi-row `INSERT`s; per-statement work is a large share of a small
 * write's cost. The result is the same as writing them one by one in order, because writes to
 * different jobs commute (and attempts and messages touch no job): when two writes name the same
 * job, or a subscription is cancelled (which touches jobs by subscription), they are written one
 * by one. Returns the enqueues that were not written because their idempotency key was taken,
 * with the id of the message that holds it.
 *
 * @example
 * transaction(db, () => applyQueueWrites(db, [{ kind: 'complete', id: 'dlv_1', status: 'delivered' }]))
 */
export function applyQueueWrites(
  db: SqliteDriver,
  writes: readonly QueueWrite[],
): Map<QueueWrite, string> {
  const kinds = byKind(writes)
  if (kinds === null) return writeInOrder(db, writes)
  const duplicates = logMessages(db, writes)
  const enqueued = kinds.enqueues.filter((write) => !duplicates.has(write)).flatMap(jobRows)
  inChunks(db, 'enqueue', enqueued, jobParams)
  for (const [status, ids] of kinds.completed) {
    inChunks(db, 'complete', ids, (params, id) => params.push(id), completeFirst(status))
  }
  for (const r of kinds.rescheduled) db.run(rescheduleSql, [r.attempt, r.at, r.at, r.id])
  inChunks(db, 'attempt', kinds.attempts, attemptParams)
  return duplicates
}

/** The writes sorted by kind, or `null` when they must be written one by one, in order. */
function byKind(writes: readonly QueueWrite[]) {
  const enqueues: Array<Extract<QueueWrite, { kind: 'enqueue' }>> = []
  const completed = new Map<FinalStatus, string[]>()
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
        enqueues.push(write)
        for (const job of write.jobs) if (again(job.id)) return null
        continue
      case 'complete': {
        if (again(write.id)) return null
        const ids = completed.get(write.status)
        if (ids === undefined) completed.set(write.status, [write.id])
        else ids.push(write.id)
        continue
      }
      case 'reschedule':
        if (again(write.id)) return null
        rescheduled.push(write)
    }
  }
  return { enqueues, completed, attempts, rescheduled }
}

function writeInOrder(db: SqliteDriver, writes: readonly QueueWrite[]): Map<QueueWrite, string> {
  const duplicates = new Map<QueueWrite, string>()
  for (const write of writes) {
    if (write.kind === 'enqueue') {
      const holder = logMessages(db, [write]).get(write)
      if (holder === undefined) inChunks(db, 'enqueue', jobRows(write), jobParams)
      else duplicates.set(write, holder)
    } else if (write.kind === 'complete') {
      db.run(sqlFor('complete', 1), [...completeFirst(write.status), write.id])
    } else if (write.kind === 'attempt') inChunks(db, 'attempt', [write.record], attemptParams)
    else if (write.kind === 'cancel') db.run(cancelSql, [write.subscriptionId])
    else db.run(rescheduleSql, [write.attempt, write.at, write.at, write.id])
  }
  return duplicates
}
