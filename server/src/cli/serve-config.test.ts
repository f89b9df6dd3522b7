import { describe, expect, it } from 'vitest'
import { parseServeConfig, UsageError } from './serve-config'

const keys = ['--api-key', 'acme:k1']

describe('parseServeConfig', () => {
  it('defaults to a local SQLite file on 127.0.0.1:8080 with per-subscription secrets', () => {
    expect(parseServeConfig(keys, {})).toEqual({
      host: '127.0.0.1',
      port: 8080,
      storage: { kind: 'sqlite', path: './rh.db' },
      apiKeys: [{ owner: 'acme', key: 'k1' }],
      secret: null,
      allowPrivateTargets: false,
      basePath: '',
    })
  })

  it('reads every setting from RH_* variables', () => {
    const config = parseServeConfig([], {
      RH_HOST: '0.0.0.0',
      RH_PORT: '0',
      RH_POSTGRES_URL: 'postgres://127.0.0.1/test',
      RH_API_KEYS: 'acme:k1,globex:k2',
      RH_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      RH_ALLOW_PRIVATE_TARGETS: 'true',
      RH_BASE_PATH: '/hooks/',
    })
    expect(config).toEqual({
      host: '0.0.0.0',
      port: 0,
      storage: { kind: 'postgres', url: 'postgres://127.0.0.1/test' },
      apiKeys: [
        { owner: 'acme', key: 'k1' },
        { owner: 'globex', key: 'k2' },
      ],
      secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
      allowPrivateTargets: true,
      basePath: '/hooks',
    })
  })

  it('lets flags win over the environment and adds flag keys to RH_API_KEYS', () => {
    const config = parseServeConfig(
      ['--port', '9000', '--data', '/tmp/x.db', ...keys, '--allow-private-targets'],
      { RH_PORT: '1', RH_DATA: '/tmp/y.db', RH_API_KEYS: 'globex:k2' },
    )
    expect(config).toMatchObject({
      port: 9000,
      storage: { kind: 'sqlite', path: '/tmp/x.db' },
      apiKeys: [
        { owner: 'acme', key: 'k1' },
        { owner: 'globex', key: 'k2' },
      ],
      allowPrivateTargets: true,
    })
  })

  it('returns null when help is asked for', () => {
    expect(parseServeConfig(['--help'], {})).toBeNull()
  })

  it.each([
    [['--port', 'http'], /--port/],
    [['--port', '70000'], /--port/],
    [['--nope'], /nope/],
    [['--secret', 'hunter2'], /whsec_/],
    [['--base-path', 'no-slash'], /base-path/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseServeConfig([...argv, ...keys], {})).toThrow(message)
    expect(() => parseServeConfig([...argv, ...keys], {})).toThrow(UsageError)
  })

  it('refuses to start without an API key', () => {
    expect(() => parseServeConfig([], {})).toThrow(/API key/)
  })
})
