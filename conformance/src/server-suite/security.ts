import { MAX_REQUEST_BODY_BYTES } from '@rh/protocol'
import { check, fail, notChecked, show, skip } from '../assert'
import { describeResult } from '../http'
import type { ServerApi } from '../server-api'
import {
  deliveryWait,
  expectProblem,
  expectStatus,
  idOf,
  notify,
  type ServerCase,
  type ServerContext,
  subscribe,
} from './context'

const level = 'security'

/**
 * Target URLs a server must refuse at subscribe time, before any connection: `{port}` is the
 * port of the suite's receivers, so that a server which does connect is seen doing it.
 */
export const refusedTargets: readonly { label: string; url: string; what: string }[] = [
  { label: 'loopback', url: 'http://127.0.0.1:{port}/', what: 'IPv4 loopback' },
  { label: 'loopback-127-1', url: 'http://127.1:{port}/', what: 'IPv4 loopback, short form' },
  { label: 'loopback-decimal', url: 'http://2130706433:{port}/', what: 'loopback as a decimal' },
  { label: 'loopback-hex', url: 'http://0x7f000001:{port}/', what: 'loopback in hexadecimal' },
  { label: 'loopback-octal', url: 'http://0177.0.0.1:{port}/', what: 'loopback in octal' },
  { label: 'localhost', url: 'http://localhost:{port}/', what: 'localhost' },
  { label: 'ipv6-loopback', url: 'http://[::1]:{port}/', what: 'IPv6 loopback' },
  { label: 'ipv4-mapped', url: 'http://[::ffff:127.0.0.1]:{port}/', what: 'IPv4-mapped IPv6' },
  { label: 'unspecified', url: 'http://0.0.0.0:{port}/', what: 'the unspecified address' },
  { label: 'loopback-hex-short', url: 'http://0x7f.1:{port}/', what: 'loopback, hex short form' },
  { label: 'nat64-loopback', url: 'http://[64:ff9b::7f00:1]/', what: 'NAT64 embedding loopback' },
  { label: '6to4-loopback', url: 'http://[2002:7f00:1::]/', what: '6to4 embedding loopback' },
  { label: 'private-10', url: 'http://10.0.0.1/', what: 'private 10/8' },
  { label: 'private-172', url: 'http://172.16.0.1/', what: 'private 172.16/12' },
  { label: 'private-192', url: 'http://192.168.0.1/', what: 'private 192.168/16' },
  { label: 'shared-100-64', url: 'http://100.64.0.1/', what: 'shared address space 100.64/10' },
  { label: 'benchmarking', url: 'http://198.18.0.1/', what: 'benchmarking 198.18/15' },
  { label: 'multicast', url: 'http://224.0.0.1/', what: 'multicast' },
  { label: 'broadcast', url: 'http://255.255.255.255/', what: 'broadcast' },
  { label: 'ipv6-ula', url: 'http://[fd00::1]/', what: 'IPv6 unique local' },
  { label: 'ipv6-multicast', url: 'http://[ff02::1]/', what: 'IPv6 multicast' },
  { label: 'ipv6-link-local', url: 'http://[fe80::1]/', what: 'IPv6 link-local' },
  {
    label: 'metadata',
    url: 'http://169.254.169.254/latest/meta-data/',
    what: 'cloud metadata, link-local',
  },
  { label: 'metadata-hex', url: 'http://0xa9fea9fe/', what: 'cloud metadata in hexadecimal' },
  {
    label: 'metadata-mapped',
    url: 'http://[::ffff:a9fe:a9fe]/',
    what: 'cloud metadata as IPv4-mapped IPv6',
  },
  { label: 'metadata-ipv6', url: 'http://[fd00:ec2::254]/', what: 'AWS IPv6 metadata' },
  { label: 'scheme-file', url: 'file:///etc/passwd', what: 'a file: URL' },
  { label: 'scheme-gopher', url: 'gopher://127.0.0.1:{port}/', what: 'a gopher: URL' },
]

/**
 * The API to run SSRF cases against: `--strict-url` when given, else the main URL if it refuses
 * a loopback target; `undefined` when the main URL accepts private targets (as it must for the
 * other levels, whose receivers listen on 127.0.0.1).
 */
function strictApi(context: ServerContext, scope: Parameters<ServerCase['run']>[1]) {
  if (context.strictApi) return Promise.resolve(context.strictApi)
  let probe = context.memo.get('strict') as Promise<ServerApi | undefined> | undefined
  if (!probe) {
    probe = (async () => {
      const receiver = context.receivers.create()
      const result = await context.api.subscribe({
        target_url: receiver.url,
        events: [context.event()],
      })
      const id = idOf(result)
      if (id !== undefined) scope.defer(() => context.api.unsubscribe(id))
      return result.status === 422 ? context.api : undefined
    })()
    context.memo.set('strict', probe)
  }
  return probe
}

const ssrfCases: ServerCase[] = refusedTargets.map(({ label, url, what }) => ({
  id: `security.ssrf-${label}`,
  level,
  title: `refuses the target ${url.replace(':{port}', '')} (${what}) with 422`,
  async run(context, scope) {
    const api = await strictApi(context, scope)
    if (!api) {
      notChecked(
        'the server under test accepts private targets (the other levels need it to); ' +
          'pass a strictUrl (--strict-url) of an instance that refuses them',
      )
    }
    const port = new URL(context.receivers.origin).port
    const target = url.replace('{port}', port)
    const result = await api.subscribe({ target_url: target, events: [context.event()] })
    const id = idOf(result)
    if (id !== undefined) scope.defer(() => api.unsubscribe(id))
    const codes = label.startsWith('scheme') ? ['target_refused', 'invalid_request'] : undefined
    if (codes && context.profile === 'rh') {
      const code = (result.json as { code?: unknown } | undefined)?.code
      check(
        result.status === 422 && codes.includes(String(code)),
        `the target ${target} was not refused`,
        `422 problem+json with code ${codes.join(' or ')}`,
        describeResult(result),
      )
      return
    }
    expectProblem(context, result, 422, 'target_refused', `the target ${target}`)
  },
}))

/** The security level: SSRF refusals, redirects, credentials and owner isolation. */
export const securityCases: ServerCase[] = [
  ...ssrfCases,
  {
    id: 'security.redirect',
    level,
    title: 'treats a 3xx answer as a failed delivery and never follows it',
    async run(context, scope) {
      const elsewhere = context.receivers.create()
      const redirecting = context.receivers.create({
        reply: (_, i) =>
          i === 0 ? { status: 307, headers: { location: elsewhere.url } } : { status: 204 },
      })
      const event = context.event()
      await subscribe(context, scope, redirecting, [event])
      await notify(context, event, { case: 'security.redirect' })
      const retried = await redirecting
        .waitForDeliveries(2, deliveryWait(context, 1))
        .catch((error: unknown) => error)
      check(
        elsewhere.deliveries.length === 0,
        'the server followed the redirect',
        'no request to the Location; the 3xx treated as a failed attempt and retried',
        `${elsewhere.deliveries.length} requests to the Location`,
      )
      if (retried instanceof Error) {
        fail(
          'the server did not retry after a 3xx answer',
          'a retry of a delivery answered 307',
          `${redirecting.deliveries.length} attempt(s)`,
        )
      }
      check(
        elsewhere.deliveries.length === 0,
        'the server followed the redirect',
        'no request to the Location',
        `${elsewhere.deliveries.length} requests`,
      )
    },
  },
  {
    id: 'security.no-credentials',
    level,
    title: 'refuses the API without credentials with 401',
    async run(context) {
      if (!context.auth) skip('needs the credentials the server requires (--auth)')
      const receiver = context.receivers.create()
      const body = { target_url: receiver.url, events: [context.event()] }
      const created = await context.api.send(
        'POST',
        context.profile === 'rh' ? '/subscriptions' : '/subscribe',
        {
          authorization: null,
          body:
            context.profile === 'rh'
              ? body
              : { event: body.events[0], target_url: body.target_url },
        },
      )
      const id = idOf(created)
      if (id !== undefined) await context.api.unsubscribe(id)
      check(
        id === undefined,
        'the server accepted a subscribe without credentials: it does not authenticate',
        '401',
        describeResult(created),
      )
      expectProblem(context, created, 401, 'unauthorized', 'subscribe without credentials')
      if (context.profile !== 'rh') return
      const listed = await context.api.send('GET', '/subscriptions', { authorization: null })
      expectProblem(context, listed, 401, 'unauthorized', 'list without credentials')
    },
  },
  {
    id: 'security.wrong-credentials',
    level,
    title: 'refuses the API with unknown credentials with 401',
    async run(context) {
      if (!context.auth) skip('needs the credentials the server requires (--auth)')
      const path = context.profile === 'rh' ? '/subscriptions' : '/unsubscribe/sub_1'
      const method = context.profile === 'rh' ? 'GET' : 'DELETE'
      const result = await context.api.send(method, path, {
        authorization: 'Bearer rh-conformance-not-a-credential',
      })
      expectProblem(context, result, 401, 'unauthorized', 'unknown credentials')
    },
  },
  {
    id: 'security.owner-isolation',
    level,
    title: "hides one owner's subscriptions from another: 404 to every request, not listed",
    async run(context, scope) {
      const other = context.api2
      if (!other) skip('needs a second credential (--auth2)')
      const receiver = context.receivers.create()
      const event = context.event()
      const { id } = await subscribe(context, scope, receiver, [event])
      if (context.profile === 'rh') {
        expectStatus(await other.get(id), [404], "GET of another owner's subscription")
        const patch = await other.update(id, { status: 'paused' })
        expectStatus(patch, [404], "PATCH of another owner's subscription")
        const attempts = await other.send('GET', `/subscriptions/${id}/attempts`)
        expectStatus(attempts, [404], "the attempt log of another owner's subscription")
        const listed = await other.list({ event })
        expectStatus(listed, [200], 'list as the other owner')
        check(
          !listed.text.includes(id),
          "the other owner's list shows the subscription",
          `no ${id}`,
          show(listed.json),
        )
      }
      const removed = await other.unsubscribe(id)
      expectStatus(removed, [404], "DELETE of another owner's subscription")
      await notify(context, event, { case: 'security.owner-isolation' })
      await receiver.waitForDeliveries(1, deliveryWait(context))
    },
  },
  {
    id: 'security.body-limit',
    level,
    title: `refuses a request body over ${MAX_REQUEST_BODY_BYTES / 1024} KiB with 413`,
    async run(context) {
      if (context.profile !== 'rh') skip(`the ${context.profile} profile sets no body limit`)
      const body = JSON.stringify({
        target_url: context.receivers.origin,
        events: [context.event()],
        metadata: { padding: 'x'.repeat(MAX_REQUEST_BODY_BYTES) },
      })
      const result = await context.api.send('POST', '/subscriptions', { body })
      expectProblem(context, result, 413, 'payload_too_large', 'a body over the limit')
    },
  },
]
