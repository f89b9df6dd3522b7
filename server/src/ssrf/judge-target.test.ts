import { describe, expect, it } from 'vitest'
import { targetJudge } from './judge-target'

describe('targetJudge', () => {
  it('refuses a private IP literal in any spelling, and marks it a literal', () => {
    const targets = targetJudge(false)
    for (const url of ['http://127.0.0.1/', 'http://0x7f.1/', 'http://2130706433/']) {
      expect(targets(url)).toMatchObject({
        refusal: 'target refused: 127.0.0.1 is loopback (127.0.0.0/8)',
        literal: true,
      })
    }
    expect(targets('http://[::1]:8080/').literal).toBe(true)
    expect(targets('http://[::1]:8080/').refusal).toMatch(/^target refused: ::1 is /)
  })

  it('passes a public IP literal, marked a literal', () => {
    const targets = targetJudge(false)
    expect(targets('https://1.1.1.1/x')).toMatchObject({ refusal: null, literal: true })
    expect(targets('https://[2606:4700:4700::1111]/')).toMatchObject({
      refusal: null,
      literal: true,
    })
  })

  it('leaves a hostname to the connect-time lookup: no verdict, not a literal', () => {
    const targets = targetJudge(false)
    expect(targets('https://hooks.example.com/')).toMatchObject({ refusal: null, literal: false })
    expect(targets('http://localhost/')).toMatchObject({ refusal: null, literal: false })
  })

  it('refuses nothing with private targets allowed, and still tells literals apart', () => {
    const targets = targetJudge(true)
    expect(targets('http://127.0.0.1/')).toMatchObject({ refusal: null, literal: true })
    expect(targets('http://receiver.test/')).toMatchObject({ refusal: null, literal: false })
  })

  it('refuses a scheme other than http(s), even with private targets allowed', () => {
    for (const allowPrivateTargets of [false, true]) {
      const targets = targetJudge(allowPrivateTargets)
      expect(targets('file:///etc/passwd').refusal).toBe(
        'target refused: file is not http or https',
      )
      expect(targets('data:text/plain,hi').refusal).toBe(
        'target refused: data is not http or https',
      )
      expect(targets('HTTPS://1.1.1.1/').refusal).toBeNull()
    }
  })

  it('refuses credentials and a URL that does not parse, and still names a host for the limit', () => {
    const judge = targetJudge(true)
    expect(judge('https://user:pw@hooks.example.com/')).toMatchObject({
      refusal: 'target refused: target_url must not contain credentials',
      host: 'hooks.example.com',
    })
    expect(judge('not a url')).toMatchObject({
      refusal: 'target refused: not a valid absolute URL',
      url: null,
      host: 'not a url',
    })
  })

  it('gives the address of an IP literal in any spelling, and none for a hostname', () => {
    const judge = targetJudge(true)
    expect(judge('http://2130706433:8080/').address).toBe('127.0.0.1')
    expect(judge('http://[::1]/').address).toBe('::1')
    expect(judge('https://hooks.example.com/').address).toBeUndefined()
    expect(judge('http://127.0.0.1:8080/x').host).toBe('127.0.0.1:8080')
  })

  it('judges each target once', () => {
    const targets = targetJudge(false)
    expect(targets('http://1.1.1.1/')).toBe(targets('http://1.1.1.1/'))
  })
})
