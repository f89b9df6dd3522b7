import { describe, expect, it } from 'vitest'
import { createLogger } from './create-logger'

const at = Date.UTC(2025, 0, 2, 3, 4, 5, 6)

describe('createLogger', () => {
  it('writes JSON lines by default', () => {
    const lines: string[] = []
    createLogger({ write: (line) => lines.push(line), now: () => at }).info('start', { port: 1 })
    expect(JSON.parse(lines[0] ?? '')).toEqual({
      time: '2025-01-02T03:04:05.006Z',
      level: 'info',
      msg: 'start',
      port: 1,
    })
  })

  it('writes one readable line per event in the pretty format', () => {
    const lines: string[] = []
    const log = createLogger({ format: 'pretty', write: (line) => lines.push(line), now: () => at })
    log.warn('request.refused', { status: 401, route: '/events', owner: null, detail: 'a b' })
    expect(lines).toEqual([
      '03:04:05.006 WARN  request.refused status=401 route=/events owner=null detail="a b"\n',
    ])
  })

  it('drops the levels below the one asked for', () => {
    const lines: string[] = []
    const log = createLogger({ level: 'warn', write: (line) => lines.push(line) })
    log.info('start')
    log.warn('refused')
    log.error('failed')
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(['refused', 'failed'])
  })
})
