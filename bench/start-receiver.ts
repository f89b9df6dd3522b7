import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { benchFile, nodeBinary } from './node-binary'

/** What the receiver process counted since its start or last reset. */
export interface ReceiverStats {
  requests: number
  bytes: number
  /** Requests that carried a `webhook-signature` header. */
  signed: number
  /** Connections opened (keep-alive reuses them). */
  connections: number
  /** Requests to `/hang`, which are never answered, since the receiver started (not reset). */
  hung: number
}

/** A running `bench/receiver.mjs`. */
export interface Receiver {
  /** `http://127.0.0.1:<port>/hook` for each port. */
  urls: string[]
  url: string
  stats(): Promise<ReceiverStats>
  reset(): Promise<void>
  /** Answers every later delivery with `status` (500: an outage; 204: back to normal). */
  answerWith(status: number): Promise<void>
  close(): Promise<void>
}

/**
 * Starts the receiver in its own Node process (so its work never shares our event loop) and
 * waits until it listens.
 *
 * @example
 * const receiver = await startReceiver({ ports: 4 })
 * console.log(receiver.urls)
 * await receiver.close()
 */
export async function startReceiver(options: { ports?: number } = {}): Promise<Receiver> {
  const child = spawn(nodeBinary(), [benchFile('receiver.mjs'), `--ports=${options.ports ?? 1}`], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })
  const ports = await new Promise<number[]>((resolve, reject) => {
    child.once('error', reject)
    child.once('exit', (code) => reject(new Error(`receiver exited with ${code}`)))
    lines.once('line', (line) => resolve((JSON.parse(line) as { ports: number[] }).ports))
  })
  const urls = ports.map((port) => `http://127.0.0.1:${port}/hook`)
  const control = `http://127.0.0.1:${ports[0]}`
  return {
    urls,
    url: urls[0] as string,
    async stats() {
      const response = await fetch(`${control}/__stats`)
      return (await response.json()) as ReceiverStats
    },
    async reset() {
      const response = await fetch(`${control}/__reset`, { method: 'POST' })
      await response.body?.cancel()
    },
    async answerWith(status) {
      const response = await fetch(`${control}/__status?code=${status}`, { method: 'POST' })
      await response.body?.cancel()
    },
    async close() {
      lines.close()
      child.stdin?.end()
      child.kill('SIGTERM')
      await exited
    },
  }
}
