/**
 * @module bench/main — the benchmark CLI that `bench/run.mjs` starts on the chosen runtime.
 * Runs against the sources (`--conditions=source`), so no build is needed and nothing is stale.
 *
 *   node --import tsx --conditions=source bench/main.ts [--quick] [--only=delivery,api]
 *     [--storages=memory,sqlite] [--deliveries=N] [--rounds=N] [--json]
 *     [--scale=5000,20000,80000] [--hanging=N] [--ms-per-delivery=N] [--replay=N] [--ordered=N]
 */
import { formatReport } from './report'
import { type BenchName, type BenchSizes, benchNames, runBenches } from './run-benches'
import type { StorageKind } from './storage'

const args = process.argv.slice(2)
const flag = (name: string) => args.find((arg) => arg.startsWith(`--${name}=`))?.split('=')[1]
const list = (name: string) => flag(name)?.split(',').filter(Boolean)

const only = list('only')
const unknown = only?.filter((name) => !(benchNames as readonly string[]).includes(name))
if (unknown?.length) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${benchNames.join(', ')}`)
  process.exit(2)
}
const sizes: Partial<BenchSizes> = {}
const storages = list('storages')
if (storages) sizes.storages = storages as StorageKind[]
if (flag('deliveries')) sizes.deliveries = Number(flag('deliveries'))
if (flag('rounds')) sizes.rounds = Number(flag('rounds'))
if (flag('scale')) sizes.scale = (list('scale') ?? []).map(Number)
if (flag('hanging')) sizes.hanging = Number(flag('hanging'))
if (flag('ms-per-delivery')) sizes.msPerDelivery = Number(flag('ms-per-delivery'))
if (flag('replay')) sizes.replay = Number(flag('replay'))
if (flag('ordered')) sizes.ordered = Number(flag('ordered'))

const report = await runBenches({
  quick: args.includes('--quick'),
  sizes,
  ...(only ? { only: only as BenchName[] } : {}),
  onStart: (name) => console.error(`running ${name}…`),
})
console.log(args.includes('--json') ? JSON.stringify(report, null, 2) : formatReport(report))
process.exit(Object.keys(report.errors).length > 0 ? 1 : 0)
