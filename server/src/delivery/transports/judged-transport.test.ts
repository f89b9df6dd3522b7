import { describe, expect, it } from 'vitest'
import { judgeTarget } from '../../ssrf/judge-target'
import type { TransportRequest } from '../transport'
import { judgedTransport, type Sender } from './judged-transport'

const ok = { status: 204, headers: {}, bodyText: '', bytesRead: 0, truncated: false }

function recordingSender() {
  const sent: Array<{ url: string; host: string }> = []
  const sender: Sender = async (request, target) => {
    sent.push({ url: request.url, host: target.host })
    return ok
  }
  return { sent, sender }
}

const request = (url: string, extra: Partial<TransportRequest> = {}): TransportRequest => ({
  url,
  headers: {},
  body: '{}',
  signal: new AbortController().signal,
  maxResponseBytes: 1024,
  ...extra,
})

describe('judgedTransport', () => {
  it("takes the engine's verdict as it is: no second judgement of the URL", async () => {
    const { sent, sender } = recordingSender()
    const transport = judgedTransport(sender, { allowPrivateTargets: false })
    // Judged with private targets allowed (the engine's setting), so sent although this
    // transport's own judge would refuse the loopback address.
    const target = judgeTarget('http://127.0.0.1:9/hook', true)
    await transport(request('http://127.0.0.1:9/hook', { target }))
    expect(sent).toEqual([{ url: 'http://127.0.0.1:9/hook', host: '127.0.0.1:9' }])
  })

  it('refuses a target the engine refused, without sending', async () => {
    const { sent, sender } = recordingSender()
    const transport = judgedTransport(sender, { allowPrivateTargets: true })
    const target = judgeTarget('http://127.0.0.1:9/hook', false)
    await expect(transport(request(target.href, { target }))).rejects.toMatchObject({
      code: 'ERR_RH_TARGET_REFUSED',
      message: 'target refused: 127.0.0.1 is loopback (127.0.0.0/8)',
    })
    expect(sent).toEqual([])
  })

  it('judges the URL itself when no verdict comes with the request', async () => {
    const { sent, sender } = recordingSender()
    const transport = judgedTransport(sender, { allowPrivateTargets: false })
    await expect(transport(request('http://10.0.0.1/'))).rejects.toThrow(/10\.0\.0\.1 is/)
    await expect(transport(request('file:///etc/passwd'))).rejects.toThrow(/not http/)
    await transport(request('https://1.1.1.1/x'))
    expect(sent).toEqual([{ url: 'https://1.1.1.1/x', host: '1.1.1.1' }])
  })
})
