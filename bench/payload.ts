import { createSigner, generateSecret } from '@rh/protocol'

/** The event every delivery benchmark notifies. */
export const BENCH_EVENT = 'invoice.paid'

/** The owner every benchmark subscription belongs to. */
export const BENCH_OWNER = 'bench'

/** One notification's content, sized so the envelope rh sends is exactly `bytes` long. */
export interface BenchPayload {
  /** The shared signing secret (`whsec_`). */
  secret: string
  /** What the benchmark passes to `notify`. */
  data: { note: string }
  /** The envelope `{ type, timestamp, data }` as rh serialises it: `bytes` long. */
  body: string
  /** Headers of one signed delivery, for the baselines (signed once, reused). */
  headers: Record<string, string>
}

/**
 * A payload of `bytes` bytes (default 300) and the signed Standard Webhooks headers a baseline
 * sends with it, so the baselines put the same bytes on the wire as rh does.
 *
 * @example
 * const payload = await benchPayload()
 * payload.body.length // 300
 */
export async function benchPayload(bytes = 300): Promise<BenchPayload> {
  const secret = generateSecret()
  const timestamp = new Date().toISOString()
  const envelope = (note: string) =>
    JSON.stringify({ type: BENCH_EVENT, timestamp, data: { note } })
  const note = 'x'.repeat(Math.max(0, bytes - envelope('').length))
  const body = envelope(note)
  const id = 'msg_01J9Z8Q4B7M2X5R8T1V3W6Y9AC'
  const seconds = Math.floor(Date.now() / 1000)
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'rh/0.1',
    'webhook-id': id,
    'webhook-timestamp': String(seconds),
    'webhook-signature': await createSigner(secret).sign({ id, timestamp: seconds, body }),
  }
  return { secret, data: { note }, body, headers }
}
