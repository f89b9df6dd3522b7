import { describe, expect, it } from 'vitest'
import { parseServeConfig, serveUsage, UsageError } from './serve-config'

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
      aliasHandshake: true,
      basePath: '',
      retry: {},
      retrySchedule: 'go-resthooks',
      retention: null,
      opsWebhook: null,
      metrics: false,
      console: true,
      logFormat: 'json',
      logLevel: 'info',
    })
  })

  it('turns the handshake of the go-resthooks alias off with --alias-handshake off or RH_ALIAS_HANDSHAKE', () => {
    expect(parseServeConfig([...keys, '--alias-handshake', 'off'], {})?.aliasHandshake).toBe(false)
    expect(parseServeConfig(keys, { RH_ALIAS_HANDSHAKE: 'off' })?.aliasHandshake).toBe(false)
    expect(
      parseServeConfig([...keys, '--alias-handshake', 'on'], { RH_ALIAS_HANDSHAKE: 'off' })
        ?.aliasHandshake,
    ).toBe(true)
    expect(() => parseServeConfig([...keys, '--alias-handshake', 'maybe'], {})).toThrow(UsageError)
    expect(serveUsage).toContain('--alias-handshake')
  })

  it('serves the console unless --no-console or RH_CONSOLE=off', () => {
    expect(parseServeConfig([...keys, '--no-console'], {})?.console).toBe(false)
    expect(parseServeConfig(keys, { RH_CONSOLE: 'off' })?.console).toBe(false)
    expect(parseServeConfig(keys, { RH_CONSOLE: 'on' })?.console).toBe(true)
    expect(() => parseServeConfig(keys, { RH_CONSOLE: 'maybe' })).toThrow(UsageError)
    expect(serveUsage).toContain('--no-console')
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
      RH_RETRIES: '5',
      RH_RETRY_DELAY: '250',
      RH_RETRY_FACTOR: '2.5',
      RH_RETRY_SCHEDULE: 'go-resthooks',
      RH_RETENTION: '7d',
      RH_OPS_WEBHOOK: 'https://ops.example/rh',
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
      aliasHandshake: true,
      basePath: '/hooks',
      retry: { retries: 5, initialDelay: 250, factor: 2.5 },
      retrySchedule: 'go-resthooks',
      retention: 7 * 86_400_000,
      opsWebhook: { url: 'https://ops.example/rh', secret: null },
      metrics: false,
      console: true,
      logFormat: 'json',
      logLevel: 'info',
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

  it('reads a short retry schedule from flags, over the environment', () => {
    const config = parseServeConfig(
      [...keys, '--retries', '2', '--retry-delay', '300', '--retry-factor', '1'],
      { RH_RETRIES: '9', RH_RETRY_DELAY: '9000', RH_RETRY_FACTOR: '9' },
    )
    expect(config?.retry).toEqual({ retries: 2, initialDelay: 300, factor: 1 })
  })

  it('sets only the retry settings it was given', () => {
    expect(parseServeConfig([...keys, '--retry-delay', '0'], {})?.retry).toEqual({
      initialDelay: 0,
    })
    expect(parseServeConfig(keys, { RH_RETRIES: '0' })?.retry).toEqual({ retries: 0 })
  })

  it('documents the retry flags in the usage text', () => {
    for (const flag of ['--retries', '--retry-delay', '--retry-factor']) {
      expect(serveUsage).toContain(flag)
    }
    for (const variable of ['RH_RETRIES', 'RH_RETRY_DELAY', 'RH_RETRY_FACTOR']) {
      expect(serveUsage).toContain(variable)
    }
  })

  it('documents POST /events and every RH_* variable it reads in --help', async () => {
    const { readFileSync } = await import('node:fs')
    const source = readFileSync(new URL('./serve-config.ts', import.meta.url), 'utf8')
    const variables = new Set(source.match(/env\.RH_[A-Z_]+/g)?.map((v) => v.slice(4)))
    expect(variables.size).toBeGreaterThan(10)
    for (const variable of variables) expect(serveUsage).toContain(variable)
    expect(serveUsage).toMatch(/POST \{base\}\/events/)
    expect(serveUsage).toMatch(/Authorization: Bearer/)
    expect(serveUsage).toMatch(/"event":/)
  })

  it('reads the log format and level, and refuses others', () => {
    expect(parseServeConfig(keys, {})).toMatchObject({ logFormat: 'json', logLevel: 'info' })
    expect(
      parseServeConfig([...keys, '--log-format', 'pretty'], { RH_LOG_LEVEL: 'warn' }),
    ).toMatchObject({ logFormat: 'pretty', logLevel: 'warn' })
    expect(() => parseServeConfig([...keys, '--log-format', 'xml'], {})).toThrow(/--log-format/)
    expect(() => parseServeConfig([...keys, '--log-level', 'loud'], {})).toThrow(/--log-level/)
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
    [['--retries', '-1'], /--retries/],
    [['--retries', '1.5'], /--retries/],
    [['--retries', '101'], /--retries/],
    [['--retry-delay', '5s'], /--retry-delay/],
    [['--retry-delay', '3600001'], /--retry-delay/],
    [['--retry-factor', '0.5'], /--retry-factor/],
    [['--retry-factor', 'fast'], /--retry-factor/],
    [['--retry-factor', '1e3'], /--retry-factor/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseServeConfig([...argv, ...keys], {})).toThrow(message)
    expect(() => parseServeConfig([...argv, ...keys], {})).toThrow(UsageError)
  })

  it('refuses to start without an API key', () => {
    expect(() => parseServeConfig([], {})).toThrow(/API key/)
  })

  it('reads --retry-schedule, and refuses to adjust the fixed standard one', () => {
    expect(parseServeConfig([...keys, '--retry-schedule', 'standard'], {})?.retrySchedule).toBe(
      'standard',
    )
    expect(parseServeConfig(keys, { RH_RETRY_SCHEDULE: 'Standard' })?.retrySchedule).toBe(
      'standard',
    )
    expect(
      parseServeConfig([...keys, '--retry-schedule', 'go-resthooks', '--retries', '5'], {}),
    ).toMatchObject({ retrySchedule: 'go-resthooks', retry: { retries: 5 } })
    expect(() => parseServeConfig([...keys, '--retry-schedule', 'svix'], {})).toThrow(
      /--retry-schedule must be one of go-resthooks, standard/,
    )
    expect(() =>
      parseServeConfig([...keys, '--retry-schedule', 'standard', '--retry-delay', '100'], {}),
    ).toThrow(/leave out --retry-delay/)
    expect(() =>
      parseServeConfig([...keys, '--retry-schedule', 'standard'], { RH_RETRIES: '2' }),
    ).toThrow(/leave out --retries \(RH_RETRIES\)/)
  })

  it.each([
    ['30d', 30 * 86_400_000],
    ['12h', 12 * 3_600_000],
    ['90m', 90 * 60_000],
    ['3600s', 3_600_000],
    [' 2D ', 2 * 86_400_000],
  ])('reads --retention %j as ms', (text, ms) => {
    expect(parseServeConfig([...keys, '--retention', text], {})?.retention).toBe(ms)
  })

  it.each(['30', '1w', '0d', '1.5d', '30s', '3651d', 'forever'])(
    'refuses --retention %j',
    (text) => {
      expect(() => parseServeConfig([...keys, '--retention', text], {})).toThrow(
        /--retention must be a duration/,
      )
    },
  )

  it('reads --ops-webhook with its secret from the flag or RH_OPS_SECRET', () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'
    expect(
      parseServeConfig(
        [...keys, '--ops-webhook', 'https://ops.example/rh', '--ops-secret', secret],
        {},
      )?.opsWebhook,
    ).toEqual({ url: 'https://ops.example/rh', secret })
    expect(
      parseServeConfig([...keys, '--ops-webhook', 'https://ops.example/rh'], {
        RH_OPS_SECRET: secret,
      })?.opsWebhook,
    ).toEqual({ url: 'https://ops.example/rh', secret })
    // Signed with the server's own key when there is one and no ops secret.
    expect(
      parseServeConfig([...keys, '--ops-webhook', 'https://ops.example/rh', '--secret', secret], {})
        ?.opsWebhook,
    ).toEqual({ url: 'https://ops.example/rh', secret: null })
  })

  it.each([
    [['--ops-webhook', 'https://ops.example/rh'], /--ops-secret \(RH_OPS_SECRET\) or --secret/],
    [['--ops-webhook', 'ftp://ops.example', '--ops-secret', 'whsec_abc'], /http\(s\) URL/],
    [['--ops-webhook', 'not a url', '--ops-secret', 'whsec_abc'], /http\(s\) URL/],
    [['--ops-webhook', 'https://ops.example', '--ops-secret', 'hunter2'], /whsec_/],
    [['--ops-secret', 'whsec_abc'], /--ops-secret needs --ops-webhook/],
  ])('refuses the ops webhook settings %j', (argv, message) => {
    expect(() => parseServeConfig([...keys, ...argv], {})).toThrow(message)
  })

  it('documents the recovery flags in the usage text', () => {
    for (const flag of ['--retry-schedule', '--retention', '--ops-webhook', '--ops-secret']) {
      expect(serveUsage).toContain(flag)
    }
    expect(serveUsage).toContain('Idempotency-Key')
  })

  it('rejects a bad retry setting from the environment too', () => {
    expect(() => parseServeConfig(keys, { RH_RETRY_DELAY: 'soon' })).toThrow(/--retry-delay/)
  })
})
