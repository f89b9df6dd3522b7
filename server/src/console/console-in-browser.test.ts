import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { findChromium } from '../../../test/find-chromium'
import { lineReader, repoRoot, runtime, signalChild, spawnTs } from '../../../test/spawn-ts'
import { agree, isHandshake, startHookReceiver } from '../testing/receiver'

// The console in a real browser: headless Chromium (Debian's `chromium`; .ci/run installs it)
// driven by playwright-core, against a real `rh serve` child process and real receivers.
// Once is enough: it runs on Node 24, where `npm test`'s Node 24 leg and a plain `vitest run` are.
const chromium = findChromium(process.env)
const onNode24 =
  runtime === 'node' &&
  Number(process.versions.node.split('.')[0]) >= 24 &&
  (process.env.RH_RUNTIME ?? 'node24') === 'node24'
const skipReason = !onNode24
  ? `browser tests run on Node 24 only, this is ${process.env.RH_RUNTIME ?? runtime}`
  : chromium === null && !process.env.CI
    ? 'no chromium binary (apt-get install chromium, or set CHROMIUM_PATH)'
    : null
if (skipReason) console.info(`console-in-browser: skipped: ${skipReason}`)

const artifacts = join(repoRoot, 'test-artifacts', 'console')
const key = 'acme-console-key'
const hostile = '<img src=x onerror=alert(document.domain)>'
/** What the failing receiver answers with its 500: the attempts tab shows it, as text. */
const failure = `{"error":"db down","hint":"${hostile}"}`

describe.skipIf(skipReason !== null)('the console in Chromium', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rh-console-'))
  let browser: Browser
  let serveUrl = ''
  let stop: () => Promise<unknown> = async () => {}
  let healthy = false
  const receivers: { close(): Promise<void> }[] = []
  let logged: readonly string[] = []

  beforeAll(async () => {
    if (chromium === null) throw new Error('CI needs chromium: .ci/run installs it')
    mkdirSync(artifacts, { recursive: true })
    const child = spawnTs(
      'server/src/cli/rh.ts',
      [
        ...['serve', '--port', '0', '--data', join(dir, 'rh.db'), '--allow-private-targets'],
        ...['--retries', '1', '--retry-delay', '50'],
      ],
      { RH_API_KEYS: `acme:${key}` },
    )
    const reader = lineReader(child)
    stop = () => signalChild(child, 'SIGTERM')
    const start = JSON.parse(await reader.next((line) => line.includes('"start"')))
    serveUrl = start.url
    logged = reader.lines
    const { chromium: launcher } = await import('playwright-core')
    browser = await launcher.launch({ executablePath: chromium, args: ['--no-sandbox'] })
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    await stop()
    await Promise.all(receivers.map((each) => each.close()))
    rmSync(dir, { recursive: true, force: true })
  })

  /** A call to the API of the running `rh serve`, as a script outside the browser makes it. */
  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${serveUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    })
    expect(response.status, `${method} ${path}`).toBeLessThan(300)
    return response.json() as Promise<Record<string, unknown>>
  }

  /** Clicks the console's Refresh until `text` shows `count` times in the page's tables. */
  async function refreshUntil(page: Page, text: string | RegExp, count = 1) {
    const found = page.locator('main table').getByText(text)
    for (let tries = 0; tries < 100; tries++) {
      await page.locator('main[aria-busy]').waitFor({ state: 'detached' })
      if ((await found.count()) >= count) return
      await page.getByRole('button', { name: 'Refresh' }).click()
    }
    throw new Error(`never showed ${text} ${count} times`)
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

  it('signs in, shows a failing subscription, replays once the receiver is back, and stays inert to markup', async () => {
    const failing = await startHookReceiver((hook) =>
      isHandshake(hook) || healthy ? agree(hook) : { status: 500, body: failure },
    )
    const other = await startHookReceiver()
    receivers.push(failing, other)
    const subscription = await api('POST', '/subscriptions', {
      target_url: failing.url,
      events: ['invoice.paid'],
    })
    await api('POST', '/subscriptions', {
      target_url: `${other.url}?${hostile}`,
      events: ['customer.created'],
    })
    for (const n of [1, 2]) await api('POST', '/events', { event: 'invoice.paid', data: { n } })

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const dialogs: string[] = []
    const violations: string[] = []
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message())
      void dialog.dismiss()
    })
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text()))
        violations.push(message.text())
    })

    const response = await page.goto(`${serveUrl}/console`)
    expect(response?.url()).toBe(`${serveUrl}/console/`)
    expect(response?.headers()['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
        "img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    )

    // Signs in with the keyboard alone: the key field has focus, Enter submits.
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('api-key')
    await shot(page, 'sign-in')
    await page.keyboard.type(key)
    await page.keyboard.press('Enter')
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor()

    // Both deliveries fail their retry: two failed attempts each, the last one a 500.
    await refreshUntil(page, /failed \(500\)/)
    const row = page.getByRole('row', { name: new RegExp(failing.url.replace(/[./]/g, '\\$&')) })
    await expect.poll(() => row.locator('td').nth(3).textContent()).toBe('4')
    await expect.poll(() => row.locator('td').nth(4).textContent()).toMatch(/failed \(500\)/)

    // The hostile target is text: no <img> anywhere, no script ran, no dialog opened.
    await page.getByText(hostile, { exact: false }).first().waitFor()
    expect(await page.locator('img').count()).toBe(0)
    await shot(page, 'subscriptions')

    await page.getByRole('link', { name: failing.url }).click()
    await page.getByRole('heading', { name: /^Subscription / }).waitFor()
    await refreshUntil(page, /^failed$/, 2)
    await shot(page, 'subscription-failing')
    await page.getByRole('link', { name: 'Attempts' }).click()
    await page.getByRole('cell', { name: '500', exact: true }).first().waitFor()
    expect(await page.locator('main table code.excerpt').first().textContent()).toBe(failure)
    expect(await page.locator('img').count()).toBe(0)
    await shot(page, 'attempts')

    // The receiver is back: replay what failed, and watch both turn delivered.
    healthy = true
    await page.getByRole('link', { name: 'Messages', exact: true }).last().click()
    await page.getByRole('button', { name: 'Replay' }).click()
    await page.getByText('Replaying 2 messages.').waitFor()
    await refreshUntil(page, /^delivered$/, 2)
    expect(await page.locator('main table .badge').getByText('failed').count()).toBe(0)
    await shot(page, 'subscription-replayed')

    await page.getByRole('button', { name: 'Send test event' }).click()
    await page.getByText(/^Test event delivered 204/).waitFor()
    await page.getByRole('button', { name: 'Rotate secret' }).click()
    expect(await page.locator('.secret-value').textContent()).toMatch(/^whsec_/)
    await page.getByRole('button', { name: 'Pause' }).click()
    await page.getByRole('button', { name: 'Resume' }).waitFor()
    await page.getByRole('button', { name: 'Resume' }).click()
    await page.getByRole('button', { name: 'Pause' }).waitFor()

    // The message log: each message with its delivery to each subscription; one redelivered.
    await page.getByRole('navigation', { name: 'Console' }).getByText('Messages').click()
    await page.getByRole('heading', { name: 'Messages' }).waitFor()
    await refreshUntil(page, /^delivered$/, 2)
    await shot(page, 'messages')
    await page.locator('main table a[href^="#/messages/"]').first().click()
    await page.getByRole('heading', { name: /^Message / }).waitFor()
    const before = failing.received.filter((hook) => !isHandshake(hook)).length
    await page.getByRole('button', { name: 'Redeliver', exact: true }).click()
    await page.getByText('Redelivering to 1 subscription.').waitFor()
    await expect
      .poll(() => failing.received.filter((hook) => !isHandshake(hook)).length)
      .toBe(before + 1)
    await shot(page, 'message')

    // Unsubscribe the hostile one, confirmed in the page (no dialog).
    await page.getByRole('navigation', { name: 'Console' }).getByText('Subscriptions').click()
    await page.getByRole('link', { name: hostile, exact: false }).click()
    await page.getByRole('button', { name: 'Unsubscribe…' }).click()
    await page.getByRole('button', { name: 'Yes, unsubscribe' }).click()
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor()
    await expect.poll(() => page.getByText(hostile, { exact: false }).count()).toBe(0)

    expect(dialogs).toEqual([])
    expect(violations).toEqual([])
    expect(page.url()).not.toContain(key)
    expect(logged.join('\n')).not.toContain(key)
    expect(String(subscription.id)).toMatch(/^sub_/)
    await context.close()
  }, 120_000)

  it('is readable at phone width', async () => {
    const context = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    })
    const page = await context.newPage()
    await page.goto(`${serveUrl}/console/`)
    await page.getByLabel('API key').fill(key)
    await page.getByRole('button', { name: 'Sign in' }).click()
    await page.getByRole('heading', { name: 'Subscriptions' }).waitFor()
    await page.locator('main[aria-busy]').waitFor({ state: 'detached' })
    // Wide tables scroll inside their box; the page itself never scrolls sideways.
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true)
    await shot(page, 'phone-subscriptions')
    await page.locator('main table a').first().click()
    await page.getByRole('heading', { name: /^Subscription / }).waitFor()
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true)
    await shot(page, 'phone-subscription')
    await page.getByRole('link', { name: 'Attempts' }).click()
    await page.locator('main table code.excerpt').first().waitFor()
    expect(
      await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
    ).toBe(true)
    await shot(page, 'phone-attempts')
    await context.close()
  }, 60_000)
})
