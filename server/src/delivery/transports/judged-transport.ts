import { type JudgedTarget, targetJudge } from '../../ssrf/judge-target'
import { refused } from '../../ssrf/refused'
import type { Transport, TransportRequest, TransportResponse } from '../transport'

/**
 * The sending half of a transport: a request whose target is already judged and not refused.
 * What is left to it is the connection, and the connect-time check of a hostname's addresses.
 */
export type Sender = (request: TransportRequest, target: JudgedTarget) => Promise<TransportResponse>

/**
 * A {@link Transport} of a {@link Sender}: takes the engine's verdict on the target
 * (`request.target`) or, for a caller that gives none, judges the URL itself (memoised), and
 * refuses a refused target before any connection.
 *
 * @example
 * const transport = judgedTransport(sender, { allowPrivateTargets: false })
 */
export function judgedTransport(
  sender: Sender,
  options: { allowPrivateTargets?: boolean | undefined; close?: () => Promise<void> },
): Transport {
  const judge = targetJudge(options.allowPrivateTargets ?? false)
  // Not `async`: the exchange is one promise, not one more around it.
  const transport: Transport = (request) => {
    const target = request.target ?? judge(request.url)
    if (target.refusal) return Promise.reject(refused(target.refusal))
    return sender(request, target)
  }
  if (options.close) transport.close = options.close
  return transport
}
