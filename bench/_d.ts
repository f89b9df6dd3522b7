import { runDeliveryBench } from '/work/main/bench/delivery.ts'
const r = await runDeliveryBench({ requests: Number(process.argv[2] ?? 2000), storages: (process.argv[3] ?? 'memory').split(',') as any, rounds: 1 })
console.log(JSON.stringify(r, null, 1))
