import { describe, expect, it } from 'vitest'
import { addressRefusal, isGlobalAddress } from './address-refusal'

describe('addressRefusal', () => {
  it.each([
    ['0.0.0.0', /this network/],
    ['0.1.2.3', /this network/],
    ['10.1.2.3', /private/],
    ['100.64.0.1', /CGNAT/],
    ['100.100.100.200', /CGNAT/],
    ['127.0.0.1', /loopback/],
    ['127.255.255.254', /loopback/],
    ['169.254.169.254', /metadata/],
    ['172.16.0.1', /private/],
    ['172.31.255.255', /private/],
    ['192.0.0.170', /IETF/],
    ['192.0.2.1', /documentation/],
    ['192.168.1.1', /private/],
    ['198.18.0.1', /benchmarking/],
    ['198.51.100.7', /documentation/],
    ['203.0.113.9', /documentation/],
    ['224.0.0.1', /multicast/],
    ['239.255.255.250', /multicast/],
    ['240.0.0.1', /reserved/],
    ['255.255.255.255', /broadcast/],
    ['::', /unspecified/],
    ['::1', /loopback/],
    ['[::1]', /loopback/],
    ['0:0:0:0:0:0:0:1', /loopback/],
    ['::ffff:127.0.0.1', /IPv4-mapped 127\.0\.0\.1/],
    ['::ffff:7f00:1', /IPv4-mapped 127\.0\.0\.1/],
    ['::ffff:a9fe:a9fe', /IPv4-mapped 169\.254\.169\.254/],
    ['::127.0.0.1', /IPv4-compatible/],
    ['::8.8.8.8', /IPv4-compatible/],
    ['64:ff9b::a9fe:a9fe', /NAT64.*169\.254\.169\.254/],
    ['64:ff9b::10.0.0.1', /NAT64.*10\.0\.0\.1/],
    ['64:ff9b:1::1', /local-use NAT64/],
    ['2002:7f00:1::', /6to4.*127\.0\.0\.1/],
    ['2002:a9fe:a9fe::1', /6to4.*169\.254\.169\.254/],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', /Teredo/],
    ['2001:db8::1', /documentation/],
    ['3fff::1', /documentation/],
    ['fc00::1', /unique local/],
    ['fd00:ec2::254', /unique local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['fec0::1', /site-local/],
    ['ff02::1', /multicast/],
    ['100::1', /discard/],
    ['5f00::1', /outside 2000::\/3/],
    ['example.com', /not an IP address/],
    ['1.2.3.4.5', /not an IP address/],
    ['1::2::3', /not an IP address/],
  ])('refuses %s', (address, why) => {
    expect(addressRefusal(address)).toMatch(why)
  })

  it.each([
    '8.8.8.8',
    '93.184.216.34',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '2a00:1450:4001:80b::200e',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2002:808:808::1',
  ])('accepts the global address %s', (address) => {
    expect(addressRefusal(address)).toBeNull()
    expect(isGlobalAddress(address)).toBe(true)
  })
})
