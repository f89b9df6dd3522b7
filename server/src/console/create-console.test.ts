import { describe, expect, it } from 'vitest'
import { createConsole } from './create-console'

const api = {
  seen: [] as string[],
  async fetch(request: Request) {
    this.seen.push(new URL(request.url).pathname)
    return Response.json({ data: [], next_cursor: null })
  },
}
const get = (
  handler: { fetch: (r: Request) => Promise<Response> },
  path: string,
  init?: RequestInit,
) => handler.fetch(new Request(`http://rh.test${path}`, init))

describe('createConsole', () => {
  const admin = createConsole({ fetch: (request) => api.fetch(request) })

  it('serves the page with a strict Content-Security-Policy', async () => {
    const response = await get(admin, '/console/')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    const policy = response.headers.get('content-security-policy')
    expect(policy).toContain("default-src 'none'")
    expect(policy).toContain("script-src 'self'")
    expect(policy).toContain("frame-ancestors 'none'")
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await response.text()).toContain('data-api-base="/console/api"')
  })

  it('redirects the mount path to the page', async () => {
    const response = await get(admin, '/console')
    expect(response.status).toBe(308)
    expect(response.headers.get('location')).toBe('/console/')
  })

  it('serves the bundled script and stylesheet, which never write HTML', async () => {
    const script = await get(admin, '/console/console.js')
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
    expect(script.headers.get('content-security-policy')).toContain("default-src 'none'")
    const code = await script.text()
    expect(code.length).toBeGreaterThan(10_000)
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(/)
    expect(code).not.toMatch(/\bimport\s*\(|\bfrom\s*["']/)
    const style = await get(admin, '/console/console.css')
    expect(style.headers.get('content-type')).toBe('text/css; charset=utf-8')
    expect(await style.text()).toContain(':focus-visible')
  }, 30_000)

  it('hands its API path to rh.fetch', async () => {
    const response = await get(admin, '/console/api/subscriptions?limit=1')
    expect(response.status).toBe(200)
    expect(api.seen).toContain('/console/api/subscriptions')
  })

  it('answers 404 outside its files and 405 to a POST of the page', async () => {
    expect((await get(admin, '/console/secret.txt')).status).toBe(404)
    expect((await get(admin, '/elsewhere')).status).toBe(404)
    const posted = await get(admin, '/console/', { method: 'POST', body: 'api-key=k' })
    expect(posted.status).toBe(405)
    expect(posted.headers.get('allow')).toBe('GET, HEAD')
  })

  it('with an API elsewhere: points the page there, allows its origin, and proxies nothing', async () => {
    const elsewhere = createConsole(api, {
      path: '/admin/hooks/',
      apiBase: 'https://api.example/hooks',
      signIn: 'host',
    })
    const page = await get(elsewhere, '/admin/hooks/')
    expect(page.headers.get('content-security-policy')).toContain(
      "connect-src 'self' https://api.example;",
    )
    expect(await page.text()).toContain(
      'data-api-base="https://api.example/hooks" data-sign-in="host"',
    )
    expect((await get(elsewhere, '/admin/hooks/api/subscriptions')).status).toBe(404)
  })

  it('refuses a sign-in mode it does not know', () => {
    expect(() => createConsole(api, { signIn: 'cookie' as 'host' })).toThrow(TypeError)
  })
})
