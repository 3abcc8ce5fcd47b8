/**
 * What adapters log, recorded for tests to read: a logger factory for the framework's
 * `LoggerFactoryProvider` that keeps every line at level info and above in memory, and prints
 * those at `LOG_LEVEL` and above to stderr as JSON (as the framework's own logger would to
 * stdout). devkit's test servers install it (the framework takes the first factory a process
 * gives it), so a test can check what an operator would see: that a failure is logged, that no
 * credential or megabyte of input is.
 */
import type { LoggerFactory } from '@chainlink/external-adapter-framework/util'

export interface LogLine {
  level: string
  /** The framework's logger layer (`ErrorCatchingMiddleware`, `ComputeTransport`, …). */
  layer: string
  /** The arguments, as text (objects as JSON). */
  text: string
}

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
const RECORDED_FROM = LEVELS.indexOf('info')

/**
 * The rank of the lowest level printed for `LOG_LEVEL` (the framework's pino levels): `silent`
 * prints nothing, an unknown level is read as `info`.
 */
export function printedFrom(logLevel = process.env.LOG_LEVEL ?? 'info'): number {
  const level = logLevel.toLowerCase()
  if (level === 'silent') return LEVELS.length
  const rank = LEVELS.indexOf(level as (typeof LEVELS)[number])
  return rank < 0 ? RECORDED_FROM : rank
}
/** Lines kept: a long test run drops its oldest. */
const KEPT = 20_000

const lines: LogLine[] = []
let dropped = 0

function asText(arg: unknown): string {
  if (typeof arg === 'string') return arg
  try {
    return JSON.stringify(arg) ?? String(arg)
  } catch {
    return String(arg)
  }
}

/** The factory devkit's test servers give the framework. */
export const recordingLoggerFactory: LoggerFactory = {
  child({ layer }) {
    const printFrom = printedFrom()
    const logger = Object.fromEntries(
      LEVELS.map((level, rank) => [
        level,
        (...args: unknown[]) => {
          if (rank < RECORDED_FROM) return
          const line = { level, layer, text: args.map(asText).join(' ') }
          lines.push(line)
          if (lines.length > KEPT) {
            lines.shift()
            dropped++
          }
          if (rank >= printFrom) process.stderr.write(`${JSON.stringify(line)}\n`)
        },
      ]),
    )
    return logger as unknown as ReturnType<LoggerFactory['child']>
  },
}

/** A mark in the log: pass it to {@link logsSince}. */
export function logMark(): number {
  return lines.length + dropped
}

/** The lines logged since `mark` (info and above). */
export function logsSince(mark: number): LogLine[] {
  return lines.slice(Math.max(0, mark - dropped))
}
