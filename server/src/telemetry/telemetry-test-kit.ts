import { generateSecret } from '@rh/protocol'
import { createResthooks, type Resthooks, type ResthooksOptions } from '../create-resthooks'
import type { DeliveryResult } from '../delivery/types'
import { newId } from '../ids'
import { type HookAnswer, type HookReceiver, startHookReceiver } from '../testing/receiver'

/**
 * Test helpers of the telemetry tests: rh over memory with private targets allowed and no
 * handshake, subscriptions written into its store, and real receivers; all closed by `cleanUp`.
 */
export function telemetryTestKit() {
  const cleanups: (() => Promise<void>)[] = []
  return {
    setup(options: Partial<ResthooksOptions> = {}): Resthooks {
      const rh = createResthooks({
        authenticate: () => 'alice',
        allowPrivateTargets: true,
        handshake: false,
        signing: { secret: generateSecret() },
        onError: () => {},
        ...options,
      })
      cleanups.push(() => rh.close({ graceMs: 0 }))
      return rh
    },
    async receiver(answer: HookAnswer = () => ({ status: 204 })): Promise<HookReceiver> {
      const started = await startHookReceiver(answer)
      cleanups.push(() => started.close())
      return started
    },
    async cleanUp() {
      for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
    },
  }
}

/** Writes an active subscription of alice to `event` straight into the store; returns its id. */
export async function subscribe(
  rh: Resthooks,
  target: string,
  event = 'post.created',
  status: 'active' | 'paused' | 'disabled' = 'active',
): Promise<string> {
  const now = new Date().toISOString()
  const id = newId('sub')
  await rh.store.create({
    id,
    owner: 'alice',
    target_url: target,
    events: [event],
    status,
    metadata: {},
    secret: null,
    consecutive_failures: 0,
    created_at: now,
    updated_at: now,
  })
  return id
}

/** Runs `trigger`, then collects the next `count` delivery results. */
export async function results(
  rh: Resthooks,
  count: number,
  trigger: () => Promise<unknown>,
): Promise<DeliveryResult[]> {
  const stream = rh.results()
  await trigger()
  const seen: DeliveryResult[] = []
  if (count === 0) return seen
  for await (const result of stream) {
    seen.push(result)
    if (seen.length === count) break
  }
  return seen
}
