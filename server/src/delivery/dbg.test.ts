import { generateSecret } from '@rh/protocol'
import { it } from 'vitest'
import { memoryQueue } from '../queue/memory-queue'
import { createDeliveryEngine } from './create-delivery-engine'
import { fakeStore } from './test-kit/fake-store'
import { manualClock } from './test-kit/manual-clock'
import { startReceiver } from './test-kit/receiver'
it('dbg', async () => {
  const target = await startReceiver((_, r) => { console.log('req'); r.writeHead(500).end() })
  const clock = manualClock(Date.now())
  const store = fakeStore()
  const queue = memoryQueue()
  const engine = createDeliveryEngine({ store, queue, clock, signing: { secret: generateSecret() }, allowPrivateTargets: true, retry: { retries: 0 }, disableAfter: 2 })
  const it = engine.results()[Symbol.asyncIterator]()
  await store.subscribe('alice', 'e', target.url)
  console.log(await engine.notify('alice', 'e', {}))
  console.log((await it.next()).value.outcome)
  console.log(await engine.notify('alice', 'e', {}), await queue.size())
  setTimeout(async () => console.log('size', await queue.size(), clock.pending(), target.requests.length, await store.get('alice', 'sub_00000000000000000000000001')), 500)
  console.log((await it.next()).value.outcome)
}, 3000)
