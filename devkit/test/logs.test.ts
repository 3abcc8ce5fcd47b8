import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { logMark, logsSince, printedFrom, recordingLoggerFactory } from '#devkit/logs'

describe('devkit/logs: what test servers print', () => {
  const level = process.env.LOG_LEVEL
  afterEach(() => {
    process.env.LOG_LEVEL = level
    jest.restoreAllMocks()
  })

  it('reads LOG_LEVEL as pino does: silent prints nothing, an unknown level is info', () => {
    expect(printedFrom('trace')).toBe(0)
    expect(printedFrom('WARN')).toBe(3)
    expect(printedFrom('silent')).toBeGreaterThan(printedFrom('fatal'))
    expect(printedFrom('loud')).toBe(printedFrom('info'))
  })

  it('LOG_LEVEL=silent prints nothing, and still records what a test reads', () => {
    process.env.LOG_LEVEL = 'silent'
    const printed = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const mark = logMark()
    const logger = recordingLoggerFactory.child({ layer: 'Test' })
    logger.fatal('the provider is down')
    logger.error('a failure')
    expect(printed).not.toHaveBeenCalled()
    expect(logsSince(mark).map((line) => line.text)).toEqual(['the provider is down', 'a failure'])
  })

  it('LOG_LEVEL=error prints errors, not warnings', () => {
    process.env.LOG_LEVEL = 'error'
    const printed = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)
    const logger = recordingLoggerFactory.child({ layer: 'Test' })
    logger.warn('a warning')
    logger.error('an error')
    expect(printed.mock.calls.map(([text]) => String(text))).toEqual([
      `${JSON.stringify({ level: 'error', layer: 'Test', text: 'an error' })}\n`,
    ])
  })
})
