// temporary profiling script (q engineer), deleted after use
import postgres from 'postgres'
import { startReceiver } from './start-receiver'
import { benchPayload } from './payload'
import { createRhSystem } from './rh-system'
import { notifyMany } from './with-deadline'
import { migrate, postgresQueue, postgresStore } from '../server/src/postgres/index'

const N = Number(process.argv[2] ?? 5000)
const payload = await benchPayload(300)
const receiver = await startReceiver()
const url = 'postgres://postgres@127.0.0.1:5432/test'
const schema = `rh_prof_${process.pid}`
const admin = postgres(url, { max: 1, onnotice: () => {} })
await admin.unsafe(`create schema "${schema}"`)
const counts = new Map<string, number>()
const sql = postgres(url, { max: 16, onnotice: () => {}, connection: { search_path: schema },
  debug: (_c, q) => { const k = q.trim().split(/\s+/).slice(0, 4).join(' '); counts.set(k, (counts.get(k) ?? 0) + 1) } })
await migrate(sql)
const realStore = postgresStore(sql); let cached: any; const store = process.env.FAKEGET ? { ...realStore, get: async (o: string, i: string) => (cached ??= await realStore.get(o, i)) } : realStore
const rh = createRhSystem({ kind: "postgres", store, queue: postgresQueue(sql), dispose: async () => {} }, { secret: payload.secret, global: 64, perHost: 64 })
await rh.subscribe([receiver.url], 1)
const burst = async (count: number) => { const settled = rh.settled(count); await notifyMany(count, 64, () => rh.notify(payload.data)); return settled }
await burst(500)
counts.clear()
const s = performance.now(); const cpu = process.cpuUsage()
await burst(N)
const el = performance.now() - s; const c = process.cpuUsage(cpu)
console.log(`${Math.round(N / el * 1000)}/s, ${el.toFixed(0)} ms, cpu ${(c.user + c.system) / 1000 | 0} ms`)
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(String(v).padStart(7), (v / N).toFixed(2), k)
await rh.close(); await sql.end(); await admin.unsafe(`drop schema "${schema}" cascade`); await admin.end(); await receiver.close()
