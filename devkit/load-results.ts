/**
 * What `npm run bench:load` writes to bench/results/load.json, its goals, and the reading of
 * that file (checked field by field) for the README table devkit/docs.ts generates from it.
 */

/** The goals: against the anchor (the framework's smallest adapter), and for memory after a flood. */
export const LOAD_GOALS = {
  /** An adapter's cached-answer throughput, at least this fraction of the anchor's. */
  throughputVsAnchor: 0.9,
  /** An adapter's p99 latency, at most this multiple of the anchor's. */
  p99VsAnchor: 1.2,
  /** Resident set size after a flood has expired, at most this multiple of the idle baseline. */
  rssAfterVsBaseline: 1.1,
} as const

/** One target's cached-answer figures (medians over the rounds; counts summed). */
export interface Throughput {
  requestsPerSecond: number
  p50Ms: number
  p99Ms: number
  /** Requests answered in all rounds. */
  requests: number
  /** Answers that were not a 200, and requests not answered. */
  failed: number
  /** 200s whose body was not the true answer. */
  wrong: number
  /** Requests per second in each round. */
  rounds: number[]
}

export interface MemoryFigures {
  adapter: string
  distinctRequests: number
  floodSeconds: number
  /** Answers to the flood, by status. */
  answers: Record<string, number>
  wrong: number
  settings: Record<string, string>
  /** How long after the flood the figures 'after' were taken. */
  secondsAfterFlood: number
  rssMiB: { cold: number; baseline: number; peak: number; afterIdle: number; after: number }
  heapUsedMiB: { baseline: number; after: number }
  retainedBytesPerRequest: number
  metricSeries: { baseline: number; after: number; gained: Record<string, number> }
}

export interface FaultFigures {
  adapter: string
  phases: { phase: string; seconds: number }[]
  settings: Record<string, string>
  answers: number
  right: number
  wrong: number
  serverErrors: number
  other: number
  /** From the provider's return to the first right answer; null if none came. */
  recoverySeconds: number | null
  /** Answers after that first right one that were not right. */
  failuresAfterRecovery: number
}

export interface LoadResults {
  machine: { cpus: number; cpu: string; node: string; loadAverage: number; redis: string }
  load: {
    tool: string
    connections: number
    durationSeconds: number
    rounds: number
    warmupSeconds: number
    settings: string
  }
  /** Each target in its own process (`anchor` among them). */
  cached: Record<string, Throughput>
  /** Each target as one writer and two readers on Redis. */
  redis: Record<string, Throughput>
  memory: MemoryFigures
  faults: FaultFigures
}

/** The anchor's name among the targets. */
export const ANCHOR_NAME = 'anchor'

/**
 * `figures` against the anchor's: throughput and p99 ratios rounded to 2 decimals (to show), and
 * whether both goals are met (on the exact ratios).
 */
export function versusAnchor(anchor: Throughput, figures: Throughput) {
  const throughput = figures.requestsPerSecond / anchor.requestsPerSecond
  const p99 = figures.p99Ms / anchor.p99Ms
  return {
    throughput: Number(throughput.toFixed(2)),
    p99: Number(p99.toFixed(2)),
    met: throughput >= LOAD_GOALS.throughputVsAnchor && p99 <= LOAD_GOALS.p99VsAnchor,
  }
}

/** The memory run's RSS after the flood expired over the baseline, rounded to 2 decimals, and whether the goal is met (on the exact ratio). */
export function memoryVersusBaseline(memory: MemoryFigures) {
  const ratio = memory.rssMiB.after / memory.rssMiB.baseline
  return { ratio: Number(ratio.toFixed(2)), met: ratio <= LOAD_GOALS.rssAfterVsBaseline }
}

// ---------------------------------------------------------------------------------------------
// Reading load.json

type Shape =
  'number' | 'string' | 'numbers' | 'record of numbers' | 'record of strings' | Record<string, unknown>

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Checks `value` against `shape`, throwing with the path of the first field that does not fit. */
function check(value: unknown, shape: Shape, path: string): void {
  const fail = (what: string) => {
    throw new Error(`${path}: ${what}`)
  }
  if (shape === 'number') {
    if (typeof value !== 'number' || !Number.isFinite(value)) fail('not a number')
  } else if (shape === 'string') {
    if (typeof value !== 'string') fail('not a string')
  } else if (shape === 'numbers') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'number')) fail('not a list of numbers')
  } else if (shape === 'record of numbers' || shape === 'record of strings') {
    const type = shape === 'record of numbers' ? 'number' : 'string'
    if (!isRecord(value) || !Object.values(value).every((v) => typeof v === type))
      fail(`not an object of ${type}s`)
  } else {
    if (!isRecord(value)) fail('not an object')
    for (const [key, inner] of Object.entries(shape))
      check((value as Record<string, unknown>)[key], inner as Shape, `${path}.${key}`)
  }
}

const THROUGHPUT: Shape = {
  requestsPerSecond: 'number',
  p50Ms: 'number',
  p99Ms: 'number',
  requests: 'number',
  failed: 'number',
  wrong: 'number',
  rounds: 'numbers',
}

const SHAPE: Shape = {
  machine: { cpus: 'number', cpu: 'string', node: 'string', loadAverage: 'number', redis: 'string' },
  load: {
    tool: 'string',
    connections: 'number',
    durationSeconds: 'number',
    rounds: 'number',
    warmupSeconds: 'number',
    settings: 'string',
  },
  memory: {
    adapter: 'string',
    distinctRequests: 'number',
    floodSeconds: 'number',
    answers: 'record of numbers',
    wrong: 'number',
    settings: 'record of strings',
    secondsAfterFlood: 'number',
    rssMiB: { cold: 'number', baseline: 'number', peak: 'number', afterIdle: 'number', after: 'number' },
    heapUsedMiB: { baseline: 'number', after: 'number' },
    retainedBytesPerRequest: 'number',
    metricSeries: { baseline: 'number', after: 'number', gained: 'record of numbers' },
  },
  faults: {
    adapter: 'string',
    settings: 'record of strings',
    answers: 'number',
    right: 'number',
    wrong: 'number',
    serverErrors: 'number',
    other: 'number',
    failuresAfterRecovery: 'number',
  },
}

/** Reads load.json's content, checked: throws naming the first field that is missing or of the wrong type. */
export function readLoadResults(json: unknown, source = 'bench/results/load.json'): LoadResults {
  check(json, SHAPE, source)
  const results = json as LoadResults
  for (const setup of ['cached', 'redis'] as const) {
    check(results[setup], {}, `${source}.${setup}`)
    if (!(ANCHOR_NAME in results[setup])) throw new Error(`${source}.${setup}: no "${ANCHOR_NAME}" figures`)
    for (const [name, figures] of Object.entries(results[setup]))
      check(figures, THROUGHPUT, `${source}.${setup}.${name}`)
  }
  const { phases, recoverySeconds } = results.faults
  if (!Array.isArray(phases)) throw new Error(`${source}.faults.phases: not a list`)
  phases.forEach((phase, i) =>
    check(phase, { phase: 'string', seconds: 'number' }, `${source}.faults.phases[${i}]`),
  )
  if (recoverySeconds !== null) check(recoverySeconds, 'number', `${source}.faults.recoverySeconds`)
  return results
}
