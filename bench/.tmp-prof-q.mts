// temporary profiling script (q engineer), deleted after use
import { startReceiver } from './start-receiver'
import { benchPayload } from './payload'
import { createRhSystem } from './rh-system'
import { notifyMany } from './with-deadline'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSqlite } from '../server/src/sqlite/open-sqlite'
import { sqlite } from '../server/src/sqlite/index'
import type { SqliteDriver } from '../server/src/sqlite/driver'

const sync = (process.argv[2] ?? 'full') as 'full' | 'normal'
const N = Number(process.argv[3] ?? 10000)
const payload = await benchPayload(300)
const receiver = await startReceiver()
const dir = mkdtempSync(join(tmpdir(), 'rh-prof-'))
const raw = await openSqlite(join(dir, 'rh.db'))
const stats = new Map<string, { n: number; ms: number }>()
const t = (k: string, f: () => any) => {
  const s = performance.now()
  try { return f() } finally {
    const e = stats.get(k) ?? { n: 0, ms: 0 }
    e.n++; e.ms += performance.now() - s; stats.set(k, e)
  }
}
const key = (sql: string) => sql.trim().split(/\s+/).slice(0, 3).join(' ')
const driver: SqliteDriver = {
  name: raw.name,
  exec: (sql) => t('exec ' + key(sql), () => raw.exec(sql)),
  run: (sql, p) => t('run ' + key(sql), () => raw.run(sql, p)),
  all: (sql, p) => t('all ' + key(sql), () => raw.all(sql, p)),
  close: () => raw.close(),
}
const db = sqlite({ path: join(dir, 'rh.db'), synchronous: sync, driver })
const q = db.queue
const queue = process.env.PARALLEL ? { ...q, recordAttempt: (a: any) => { pend = q.recordAttempt(a); return Promise.resolve() }, complete: async (id: string) => { const p = pend; await Promise.all([p, q.complete(id)]) } } : q
let pend: any
const realStore = db.store; let cached: any
const store = process.env.FAKEGET ? { ...realStore, get: async (o: string, i: string) => (cached ??= await realStore.get(o, i)) } : realStore
const rh = createRhSystem({ kind: 'sqlite', store, queue, dispose: async () => {} }, { secret: payload.secret, global: 64, perHost: 64 })
await rh.subscribe([receiver.url], 1)
const burst = async (count: number) => {
  const settled = rh.settled(count)
  await notifyMany(count, 64, () => rh.notify(payload.data))
  return settled
}
await burst(1000)
stats.clear()
const s = performance.now()
const cpu = process.cpuUsage()
await burst(N)
const el = performance.now() - s
const c = process.cpuUsage(cpu)
console.log(`${sync}: ${Math.round(N / el * 1000)}/s, ${el.toFixed(0)} ms, cpu ${(c.user + c.system) / 1000 | 0} ms`)
for (const [k, v] of [...stats].sort((a, b) => b[1].ms - a[1].ms)) console.log(k.padEnd(40), v.n, v.ms.toFixed(1), 'ms', (v.ms / v.n * 1000).toFixed(0), 'µs')
await rh.close(); await db.close(); await receiver.close()
