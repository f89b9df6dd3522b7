#!/usr/bin/env node
// `npm run demo`: the whole REST Hooks loop on this machine, in a few seconds. It starts
// `rh serve` (a real child process on a fresh SQLite file), three receivers built with
// @rh/client, subscribes them, publishes with plain fetch, and narrates what happens: verified
// deliveries, a retry with the same webhook-id, and a subscription removed by a 410. Every wait is
// bounded, so the demo doubles as a smoke test: exit 0 when every step happened, 1 otherwise.
// Then an outage: a receiver stays down past every retry, comes back, and gets what it missed
// through a replay (client.replay).
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ensureBuilt } from './demo-lib/build.mjs'
import { deadline } from './demo-lib/deadline.mjs'
import { listen } from './demo-lib/listen.mjs'
import { line, say, step, style } from './demo-lib/say.mjs'
import { startServe } from './demo-lib/serve.mjs'
import { watcher } from './demo-lib/watcher.mjs'

/** The temporary directory: the SQLite file and rh serve's log. */
let dir = ''

// A closed pipe (`npm run demo | head`) must not crash the demo before it cleans up.
process.stdout.on('error', () => {})
// Ctrl-C or a kill: exit through process.exit, so rh serve is stopped on the way out.
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    say(`\n${style.red('✗ interrupted')} (${signal})`)
    if (dir) rmSync(dir, { recursive: true, force: true })
    process.exit(1)
  })
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
/** Every step after the build must happen within this many ms. */
const budgetMs = Number(process.env.RH_DEMO_TIMEOUT_MS ?? 20_000)
/** A retry schedule short enough to watch: 0.4 s, then 0.8 s. */
const retry = { retries: 2, delay: 400, factor: 2 }

say(style.bold('rh demo: the whole REST Hooks loop, on this machine'))

/** When the demo began, the build included: the total reported at the end is honest. */
const begun = Date.now()

try {
  const { built } = await ensureBuilt(root, (text) =>
    process.stdout.write(text.endsWith('\n') ? text : `   ${style.cyan('…')} ${text}`),
  )
  if (!built) line('ok', `packages built ${style.dim('(dist is newer than src)')}`)
} catch (error) {
  say(style.red('failed'))
  say(error.message)
  process.exit(1)
}

// The built packages, by name, as an application would import them.
const { createClient, createReceiver, gone, RhClientError } = await import('@rh/client')
const { toNodeHandler } = await import('@rh/client/node')
const { generateSecret } = await import('@rh/protocol')

const started = Date.now()
const buildMs = started - begun
dir = mkdtempSync(join(tmpdir(), 'rh-demo-'))
const logPath = join(dir, 'rh-serve.log')
const { within, cancel } = deadline(budgetMs)
const cleanups = []
const apiKey = `demo_${randomBytes(12).toString('hex')}`
let rh
let baseUrl = ''

try {
  // 1. The service
  step(1, 'Start rh serve, a real child process (node server/bin/rh.mjs serve)')
  const dbPath = join(dir, 'rh.db')
  rh = startServe({
    root,
    logPath,
    args: [
      ...['--port', '0', '--data', dbPath, '--allow-private-targets'],
      ...['--retries', String(retry.retries), '--retry-delay', String(retry.delay)],
      ...['--retry-factor', String(retry.factor)],
    ],
    env: { ...withoutRh(process.env), RH_API_KEYS: `demo:${apiKey}` },
  })
  baseUrl = await within(rh.started, 'rh serve starting')
  const delays = Array.from({ length: retry.retries }, (_, i) => retry.delay * retry.factor ** i)
  line('ok', `listening on ${style.bold(baseUrl)}, subscriptions in SQLite ${style.dim(dbPath)}`)
  line(
    'ok',
    `retries after ${delays.map(seconds).join(', ')} ${style.dim(
      `(--retry-delay ${retry.delay} --retry-factor ${retry.factor} --retries ${retry.retries}; default 5 s, 15 s, 45 s)`,
    )}`,
  )

  // 2. The receivers
  step(2, 'Start three receivers (createReceiver + toNodeHandler), each with a generateSecret()')
  // Events the receivers handled, and a way to wait for one.
  const arrivals = watcher()
  const handshakes = new Set()
  const flakyFirst = new Map()
  const receivers = {
    happy: {
      does: 'prints every verified event',
      on: (data, meta) => {
        arrivals.add({ receiver: 'happy', type: meta.type, id: meta.id })
        tell(
          'happy',
          `${meta.type} ${style.dim(JSON.stringify(data))} ${style.green('verified')} ${meta.id}`,
        )
      },
    },
    flaky: {
      does: 'throws on its first delivery (500), then recovers',
      on: (_data, meta) => {
        const first = flakyFirst.get(meta.id)
        if (first === undefined) {
          flakyFirst.set(meta.id, Date.now())
          tell('flaky', `${meta.type} ${style.red('throws')} on delivery #1 of ${meta.id} -> 500`)
          throw new Error('flaky is having a bad moment')
        }
        arrivals.add({ receiver: 'flaky', type: meta.type, id: meta.id })
        tell(
          'flaky',
          `${meta.type} retry arrived ${seconds(Date.now() - first)} later with the ${style.bold(
            'same webhook-id',
          )} ${meta.id}: handled`,
        )
      },
    },
    leaving: {
      does: 'answers 410 Gone: it wants no more events',
      on: (_data, meta) => {
        arrivals.add({ receiver: 'leaving', type: meta.type, id: meta.id })
        tell('leaving', `${meta.type} ${meta.id} -> gone() -> 410`)
        return gone()
      },
    },
  }
  const events = ['order.created', 'order.shipped']
  for (const [name, receiver] of Object.entries(receivers)) {
    receiver.secret = generateSecret()
    const handler = createReceiver({
      secret: receiver.secret,
      on: Object.fromEntries(events.map((event) => [event, receiver.on])),
      onHandshake: () => {
        handshakes.add(name)
        return true
      },
    })
    const server = await listen(toNodeHandler(handler))
    cleanups.push(server.close)
    receiver.url = server.url
    line('ok', `${pad(name)} ${server.url}  ${style.dim(receiver.does)}`)
  }

  // 3. Subscriptions
  step(3, 'Subscribe them with createClient (each target first answers a signed handshake)')
  const client = createClient({ baseUrl, headers: { authorization: `Bearer ${apiKey}` } })
  const wants = { happy: events, flaky: ['order.created'], leaving: ['order.created'] }
  for (const [name, receiver] of Object.entries(receivers)) {
    const subscription = await within(
      client.subscribe(wants[name], receiver.url, { secret: receiver.secret }),
      `subscribing ${name}`,
    )
    receiver.id = subscription.id
    if (!handshakes.has(name)) throw new Error(`${name} was subscribed without a handshake`)
    const to = subscription.events.join(', ').padEnd(29)
    line('ok', `${pad(name)} ${subscription.id}  ${to} ${style.dim('handshake answered')}`)
  }
  const { happy, flaky, leaving } = receivers

  // 4. Publishing
  step(4, 'Publish with plain fetch: POST /events (any language can do this)')
  const created = await publish('order.created', { id: 'ord_1001', total: 42 })
  await within(
    Promise.all([
      arrivals.wait((a) => a.receiver === 'happy' && a.id === created),
      rh.logged(delivery(leaving.id, created, 'gone')),
      rh.logged(delivery(flaky.id, created, 'delivered')),
    ]),
    'the order.created deliveries (happy, leaving 410, flaky retried)',
  )
  const shipped = await publish('order.shipped', { id: 'ord_1001', carrier: 'rh-express' })
  await within(
    Promise.all([
      arrivals.wait((a) => a.receiver === 'happy' && a.id === shipped),
      rh.logged(delivery(happy.id, shipped, 'delivered')),
    ]),
    'the order.shipped delivery to happy',
  )
  line('plain', style.dim('(order.shipped went to happy only: the others did not subscribe to it)'))

  // 5. The attempt log
  step(5, "The flaky subscription's attempt log (client.attempts)")
  const { data: attempts } = await within(client.attempts(flaky.id), 'client.attempts')
  for (const attempt of [...attempts].reverse()) {
    const status = String(attempt.response_status ?? '---')
    const took = `${attempt.duration_ms} ms`.padStart(6)
    const outcome = attempt.outcome.padEnd(9)
    const paint = attempt.outcome === 'delivered' ? style.green : style.yellow
    line(
      'plain',
      `attempt #${attempt.attempt}  ${paint(outcome)}  ${status}  ${took}  ${attempt.message_id}`,
    )
  }
  const ids = new Set(attempts.map((attempt) => attempt.message_id))
  if (attempts.length !== 2 || ids.size !== 1) {
    throw new Error(`expected 2 attempts of one message, got ${attempts.length} of ${ids.size}`)
  }

  // 6. The 410
  step(6, 'leaving answered 410, so the server removed its subscription')
  try {
    await within(client.get(leaving.id), 'client.get')
    throw new Error(`${leaving.id} still exists after its receiver answered 410`)
  } catch (error) {
    if (!(error instanceof RhClientError) || error.status !== 404) throw error
    line('ok', `client.get('${leaving.id}') -> RhClientError ${error.code} (${error.status})`)
  }
  const { data: remaining } = await within(client.list(), 'client.list')
  const names = remaining.map(
    (s) => Object.keys(receivers).find((name) => receivers[name].id === s.id) ?? s.id,
  )
  line('ok', `client.list() -> ${names.join(', ')}`)

  // 7. An outage, and the replay that recovers it
  step(7, 'An outage: a receiver down past every retry, back, then client.replay')
  const outage = await recoverAfterOutage(client, arrivals)

  // 8. Shutdown
  step(8, 'Stop')
  const code = await within(rh.stop(), 'rh serve stopping on SIGTERM')
  if (code !== 0) throw new Error(`rh serve exited with code ${code} after SIGTERM`)
  line('ok', `rh serve exited 0 after SIGTERM ${style.dim(`(its log: ${summary(rh.lines)})`)}`)
  for (const close of cleanups.splice(0)) await close()
  line('ok', 'receivers closed, temporary directory removed')
  cancel()
  rmSync(dir, { recursive: true, force: true })
  say(
    `\n${style.green(style.bold('Done'))} in ${seconds(Date.now() - begun)} in all: ${seconds(buildMs)} checking or building the packages, ${seconds(Date.now() - started)} for the loop (subscribed, published, verified, retried, unsubscribed by a 410, and ${outage.replayed} missed messages replayed after an outage).`,
  )
  say(style.dim('Next: npm test, or read README.md and protocol/PROTOCOL.md.'))
  process.exit(0)
} catch (error) {
  say(`\n${style.red(style.bold('✗ demo failed:'))} ${error?.message ?? error}`)
  const tail = rh?.lines.slice(-3) ?? []
  if (tail.length > 0)
    say(
      style.dim(
        `  rh serve's last log lines:\n${tail.map((l) => `    ${JSON.stringify(l)}`).join('\n')}`,
      ),
    )
  say(`  rh serve's whole log: ${logPath}`)
  setTimeout(() => process.exit(1), 3000).unref()
  await rh?.stop().catch(() => {})
  for (const close of cleanups) await close().catch(() => {})
  cancel()
  process.exit(1)
}

/**
 * Step 7: `offline` is subscribed while up, goes down (throws, so 500) while two events are
 * published, stays down until each has failed its last retry, comes back, and gets both by
 * `client.replay`, with their webhook-ids.
 */
async function recoverAfterOutage(client, arrivals) {
  const secret = generateSecret()
  let down = false
  const missed = new Map()
  const handler = createReceiver({
    secret,
    on: {
      'order.refunded': (_data, meta) => {
        if (down) {
          missed.set(meta.id, (missed.get(meta.id) ?? 0) + 1)
          throw new Error('offline is down')
        }
        arrivals.add({ receiver: 'offline', type: meta.type, id: meta.id })
        const replayed = missed.has(meta.id) ? `replayed, ${style.bold('same webhook-id')} ` : ''
        tell('offline', `${meta.type} ${replayed}${meta.id}: ${style.green('handled')}`)
      },
    },
    onHandshake: () => true,
  })
  const server = await listen(toNodeHandler(handler))
  cleanups.push(server.close)
  const { id } = await within(
    client.subscribe(['order.refunded'], server.url, { secret }),
    'subscribing offline',
  )
  line('ok', `${pad('offline')} ${id}  order.refunded  ${style.dim(server.url)}`)
  down = true
  const attempts = retry.retries + 1
  line(
    'info',
    `offline goes ${style.red('down')}: it answers 500 to everything for longer than the ${attempts} attempts last`,
  )
  const since = new Date(Date.now() - 1000).toISOString()
  const lost = [
    await publish('order.refunded', { id: 'ord_1001', amount: 42 }),
    await publish('order.refunded', { id: 'ord_1002', amount: 7 }),
  ]
  await within(
    Promise.all(lost.map((messageId) => rh.logged(delivery(id, messageId, 'failed')))),
    'the order.refunded deliveries failing their last retry',
  )
  for (const messageId of lost) {
    line(
      'plain',
      `${messageId} -> offline: ${missed.get(messageId) ?? 0} attempts, all 500: ${style.red('failed')} (dead letter)`,
    )
  }
  down = false
  line('info', `offline is ${style.green('back')}: it answers 2xx again, and nothing is retried`)
  const { replayed } = await within(client.replay(id, { since, status: 'failed' }), 'client.replay')
  line(
    'ok',
    `client.replay('${id}', { since: '${since}', status: 'failed' }) -> ${replayed} replayed`,
  )
  if (replayed !== lost.length) {
    throw new Error(`client.replay queued ${replayed} messages, expected ${lost.length}`)
  }
  await within(
    Promise.all(
      lost.map((messageId) => arrivals.wait((a) => a.receiver === 'offline' && a.id === messageId)),
    ),
    'the replayed messages at offline',
  )
  line('ok', `offline got every missed message, each under its original webhook-id`)
  return { replayed }
}

/** POST /events with nothing but fetch; returns the message id (the webhook-id). */
async function publish(event, data) {
  const response = await within(
    fetch(`${baseUrl}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event, data }),
    }),
    `POST /events ${event}`,
  )
  const body = await response.json()
  if (response.status !== 202) {
    throw new Error(`POST /events answered ${response.status}: ${body.detail ?? ''}`)
  }
  line(
    'info',
    `POST /events ${style.bold(event)} ${style.dim(JSON.stringify(data))} -> 202 ${body.message_id}`,
  )
  return body.message_id
}

function delivery(subscriptionId, messageId, outcome) {
  return (l) =>
    l.msg === 'delivery' &&
    l.subscription_id === subscriptionId &&
    l.message_id === messageId &&
    l.outcome === outcome
}

function tell(receiver, text) {
  say(`     ${style.yellow(pad(receiver))} ${text}`)
}

function summary(lines) {
  const counts = new Map()
  for (const l of lines) counts.set(l.msg, (counts.get(l.msg) ?? 0) + 1)
  return [...counts].map(([msg, n]) => `${n} ${msg}`).join(', ')
}

function withoutRh(env) {
  // A developer's own RH_* settings (RH_POSTGRES_URL, RH_PORT...) must not change the demo.
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith('RH_')))
}

function pad(name) {
  return name.padEnd(7)
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`
}
