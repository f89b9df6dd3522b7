import { createReceiver } from '@rh/client'
import { toNodeHandler } from '@rh/client/node'
import { generateSecret, problemType, safeVerify } from '@rh/protocol'
import { afterAll, describe, expect, it } from 'vitest'
import { serveFetch } from '../../test/serve-fetch'
import { receiverCases, runReceiverSuite } from './index'

const secret = generateSecret()
const servers: { close(): Promise<void> }[] = []

/** On Node through @rh/client/node's adapter; natively on Bun and Deno. */
async function serve(handler: (request: Request) => Promise<Response>) {
  const served = await serveFetch(handler, toNodeHandler)
  servers.push(served)
  return `${served.origin}/webhooks`
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()))
})

/** Verifies everything but the signature itself: a mismatch is let through. */
async function acceptsBadSignatures(request: Request): Promise<Response> {
  const body = await request.text()
  const verified = await safeVerify(secret, body, request.headers)
  if (!verified.success && verified.error.code !== 'signature_mismatch') {
    return Response.json({ type: problemType('unauthorized') }, { status: 401 })
  }
  const payload = JSON.parse(body) as { type: string; data: { challenge?: string } }
  if (payload.type === 'rh.handshake') return Response.json({ challenge: payload.data.challenge })
  return new Response(null, { status: 204 })
}

describe('the receiver suite', () => {
  it('passes every case against a receiver made with createReceiver', async () => {
    const url = await serve(createReceiver({ secret, on: {} }))
    const report = await runReceiverSuite({ url, secret })
    expect(report.results.filter((r) => r.status !== 'passed')).toEqual([])
    expect(report.passed).toBe(receiverCases.length)
  })

  it('fails the forged-signature cases against a receiver that accepts a bad signature', async () => {
    const url = await serve(acceptsBadSignatures)
    const report = await runReceiverSuite({ url, secret })
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.id)
    expect(failed).toEqual([
      'receiver.forged',
      'receiver.wrong-secret',
      'receiver.tampered-body',
      'receiver.tampered-id',
    ])
    expect(report.results.find((r) => r.id === 'receiver.forged')).toMatchObject({
      reason: 'a forged signature was not refused',
      expected: '4xx',
      seen: '204',
    })
  })

  it('fails when the receiver verifies with another secret than the one it was given', async () => {
    const url = await serve(createReceiver({ secret: generateSecret(), on: {} }))
    const report = await runReceiverSuite({ url, secret, only: ['receiver.accepts-signed'] })
    expect(report.results.map((r) => [r.id, r.status, r.seen?.slice(0, 3)])).toEqual([
      ['receiver.accepts-signed', 'failed', '401'],
    ])
  })

  it('leaves the handshake out when told to', async () => {
    const url = await serve(createReceiver({ secret, on: {} }))
    const report = await runReceiverSuite({ url, secret, handshake: false })
    expect(report.results.map((r) => r.id)).not.toContain('receiver.handshake')
    expect(report.ok).toBe(true)
  })
})
