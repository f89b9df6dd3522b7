import { describe, expect, it } from 'vitest'
import { ResthooksError } from '../errors'
import { guardTarget, safeGuardTarget } from './guard-target'

const noDns = async (hostname: string): Promise<string[]> => {
  throw new Error(`no DNS in this test (${hostname})`)
}
const dns = (table: Record<string, string[]>) => async (hostname: string) => table[hostname] ?? []

async function refusal(url: string, resolve = noDns) {
  const result = await safeGuardTarget(url, { resolve })
  if (result.success) throw new Error(`${url} was accepted`)
  expect(result.error).toBeInstanceOf(ResthooksError)
  expect(result.error.code).toBe('target_refused')
  return result.error.message
}

describe('guardTarget', () => {
  it.each([
    'ftp://example.com/hooks',
    'file:///etc/passwd',
    'gopher://example.com/',
    'javascript:alert(1)',
    'data:text/plain,hi',
  ])('refuses the scheme of %s', async (url) => {
    expect(await refusal(url)).toMatch(/http or https/)
  })

  it('refuses text that is not an absolute URL', async () => {
    expect(await refusal('/hooks')).toMatch(/not a valid absolute URL/)
  })

  it.each([
    'https://user:pass@example.com/',
    'https://user@example.com/',
    'https://:p@example.com/',
    'HTTP://user@example.com',
    'http://a%40b:c%2Fd@example.com/x@y',
    'http://u@ser@example.com/',
    'http://user@example.com?q=@',
    'http://user@example.com#@',
    'http:\\\\user@example.com\\x',
    'http://us\ter@example.com/',
    ' http://user@example.com/ ',
    'https://user@[::1]:8443/',
  ])('refuses credentials in %s', async (url) => {
    expect(await refusal(url)).toMatch(/credentials/)
  })

  it.each([
    'http://example.com/a@b',
    'http://example.com?to=a@b',
    'http://example.com#a@b',
    'http://@example.com/',
    'http://:@example.com/',
    'HTTPS://EXAMPLE.COM',
    'http://example.com:8080',
  ])('accepts %s, an @ outside the credentials or empty ones', async (url) => {
    const guarded = await guardTarget(url, { allowPrivateTargets: true })
    expect(guarded.url.href).toBe(new URL(url).href)
  })

  it.each([
    ['http://127.0.0.1/', '127.0.0.1'],
    ['http://127.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://%31%32%37.0.0.1/', '127.0.0.1'],
    ['http://0/', '0.0.0.0'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254'],
    ['http://0xa9fea9fe/', '169.254.169.254'],
    ['http://10.0.0.1:8080/', '10.0.0.1'],
    ['http://[::1]/', '::1'],
    ['http://[::]/', '::'],
    ['http://[::ffff:7f00:1]/', '::ffff:7f00:1'],
    ['http://[::ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[0:0:0:0:0:ffff:127.0.0.1]/', '::ffff:7f00:1'],
    ['http://[64:ff9b::a9fe:a9fe]/', '64:ff9b::a9fe:a9fe'],
    ['http://[64:ff9b::169.254.169.254]/', '64:ff9b::a9fe:a9fe'],
    ['http://[2002:a9fe:a9fe::]/', '2002:a9fe:a9fe::'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254'],
    ['http://[fe80::1]/', 'fe80::1'],
    ['http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/', '2001:0:4136:e378:8000:63bf:3fff:fdd2'],
  ])('refuses %s without resolving anything', async (url, address) => {
    expect(await refusal(url)).toContain(`non-public address ${address}`)
  })

  it.each([
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost/',
    'http://metadata.google.internal/',
  ])('refuses the local name %s without asking DNS', async (url) => {
    expect(await refusal(url)).toMatch(/local host/)
  })

  it.each(['http://127.0.0.1:3000/hooks', 'http://localhost:3000/hooks'])(
    'tells how to allow a local target %s for local development',
    async (url) => {
      expect(await refusal(url, dns({}))).toMatch(/allowPrivateTargets: true/)
    },
  )

  it('refuses a hostname when any of its addresses is not public', async () => {
    const resolve = dns({ 'mixed.example': ['93.184.216.34', '10.0.0.7'] })
    expect(await refusal('https://mixed.example/hooks', resolve)).toMatch(
      /mixed\.example resolves to a non-public address 10\.0\.0\.7/,
    )
  })

  it('refuses a hostname resolving to an IPv4-mapped loopback address', async () => {
    const resolve = dns({ 'sneaky.example': ['::ffff:127.0.0.1'] })
    expect(await refusal('https://sneaky.example/', resolve)).toMatch(/IPv4-mapped 127\.0\.0\.1/)
  })

  it('refuses a hostname that does not resolve', async () => {
    expect(await refusal('https://nowhere.example/', dns({}))).toMatch(/does not resolve/)
    expect(await refusal('https://nowhere.example/')).toMatch(/does not resolve/)
  })

  it('accepts a public hostname and reports its addresses', async () => {
    const resolve = dns({ 'hooks.example.com': ['93.184.216.34', '2606:2800:220:1::1'] })
    const { url, addresses } = await guardTarget('https://hooks.example.com./rh', { resolve })
    expect(url.hostname).toBe('hooks.example.com.')
    expect(addresses).toEqual(['93.184.216.34', '2606:2800:220:1::1'])
  })

  it('accepts a public IP literal without resolving', async () => {
    const { addresses } = await guardTarget('https://8.8.8.8/', { resolve: noDns })
    expect(addresses).toEqual(['8.8.8.8'])
  })

  it('allows private targets when told to, but still checks scheme and credentials', async () => {
    const options = { resolve: noDns, allowPrivateTargets: true }
    await expect(guardTarget('http://127.0.0.1:3000/', options)).resolves.toBeDefined()
    await expect(guardTarget('http://localhost:3000/', options)).resolves.toBeDefined()
    await expect(guardTarget('ftp://127.0.0.1/', options)).rejects.toThrow(/http or https/)
    await expect(guardTarget('http://a:b@127.0.0.1/', options)).rejects.toThrow(/credentials/)
  })
})
