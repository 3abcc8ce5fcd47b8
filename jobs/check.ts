/**
 * `npm run jobs -- check <job.toml>`: a filled job replayed against running adapters the way a
 * Chainlink node runs it (devkit/pipeline.ts: DOT and variables as the node reads them, the bridge
 * requests it sends, its 32 KiB answer limit, `jsonparse`'s exact integers), and the number it
 * would report, with its juelsPerFeeCoin. The node's bridges table is given by `--adapter`.
 */
import { randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { formatUnits } from '#common/decimal'
import { CliError } from '#devkit/cli'
import {
  BRIDGE_NAME,
  DEFAULT_HTTP_MAX_SIZE,
  Decimal,
  MemoObject,
  ObservationError,
  goJson,
  nodeFileSize,
  observation,
  ocr2Vars,
  type Pipeline,
  type PipelineValue,
  type Task,
} from '#devkit/pipeline'
import { checkValue } from './placeholders'
import { replayRounds, type SentRequest } from './replay'
import { bridgesOf, nodeChainId, parseJobSpec, placeholdersIn } from './templates'

export interface CheckRequest {
  /** The filled job spec. */
  file: string
  /** The `--adapter` arguments: `name=url` per bridge, or a bare URL for a job that calls one bridge. */
  adapters: string[]
  /** The node's `[JobPipeline.HTTPRequest] MaxSize` (`'1mb'`); 32768 bytes unless given. */
  maxSize?: string
  /** How long to keep asking an adapter that answers "no value yet", in seconds. */
  waitSeconds: number
  /** Told when a round is run again because an adapter had no value yet. */
  onRetry?: (source: PipelineName, round: number) => void
}

export type PipelineName = 'observationSource' | 'juelsPerFeeCoinSource'

/** One task of a run: its result as text, or its error. */
export interface TaskReport {
  task: string
  type: string
  value?: string
  error?: string
}

/** One pipeline's replay: what it would observe, or why it would observe nothing. */
export interface PipelineReport {
  pipeline: PipelineName
  rounds: number
  /** An adapter still answered "no value yet" in the last round. */
  waiting: boolean
  /** The integer the node observes; absent when the run failed. */
  observation?: bigint
  /** Why there is no observation. */
  error?: string
  tasks: TaskReport[]
  /** The bridge requests the last round sent, as the node sends them. */
  requests: (SentRequest & { url: string })[]
}

export interface CheckReport {
  file: string
  job: { name: string; chainId: string; feedDecimals: number | undefined }
  /** The node's bridges table used: bridge name → adapter URL. */
  bridges: Record<string, string>
  httpMaxSize: number
  answer: PipelineReport
  juelsPerFeeCoin: PipelineReport
  /** Whether the node would make an observation: both pipelines gave a number the report can carry. */
  reports: boolean
}

const usage = (message: string) => new CliError(message, 'usage')

/** The node's default timeout of an HTTP task without its own (`JobPipeline.HTTPRequest.DefaultTimeout`). */
export const DEFAULT_HTTP_TIMEOUT_MS = 15_000

const DURATION_UNITS_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
}

/** Go's `time.ParseDuration` in milliseconds (`"10s"`, `"1m30s"`, `"0"`), or undefined where Go refuses the text. */
export function goDurationMs(text: string): number | undefined {
  const match = /^([-+]?)(.*)$/.exec(text)!
  const [, sign, body] = match
  if (body === '0') return 0
  const parts = [...body.matchAll(/(\d*\.?\d*)(ns|us|µs|μs|ms|s|m|h)/g)]
  if (body === '' || parts.map((p) => p[0]).join('') !== body) return undefined
  if (parts.some(([, number]) => number === '' || number === '.')) return undefined
  const ms = parts.reduce((total, [, number, unit]) => total + Number(number) * DURATION_UNITS_MS[unit], 0)
  return sign === '-' ? -ms : ms
}

/** libocr's median plugin encodes an observation as an int192: one outside it is no observation. */
const INT192_MIN = -(2n ** 191n)
const INT192_MAX = 2n ** 191n - 1n

/**
 * What the node checks of a job's own fields, by the rules `fill` checks their placeholders
 * with: a job it would refuse is not worth replaying. The key bundle and the bootstrappers may be
 * left out (the node then takes its configured defaults); the contract may not.
 */
function nodeFieldProblems(spec: Record<string, unknown>): string[] {
  const fields: [string, string, unknown][] = [
    ['contractID', 'OCR2_AGGREGATOR_ADDRESS', spec.contractID ?? ''],
    ['transmitterID', 'TRANSMITTER_ADDRESS', spec.transmitterID ?? ''],
    ['ocrKeyBundleID', 'OCR2_KEY_BUNDLE_ID', spec.ocrKeyBundleID],
    ...((spec.p2pv2Bootstrappers as unknown[] | undefined) ?? []).map(
      (value, i): [string, string, unknown] => [`p2pv2Bootstrappers[${i}]`, 'P2P_BOOTSTRAPPER', value],
    ),
  ]
  return fields.flatMap(([field, rule, value]) => {
    if (value === undefined) return []
    try {
      checkValue(rule, String(value), field)
      return []
    } catch (error) {
      return [(error as Error).message]
    }
  })
}

/** The node's bridges table from the `--adapter` arguments: every bridge the job calls, and no other. */
function bridgeTable(bridges: string[], adapters: string[]): Map<string, string> {
  const table = new Map<string, string>()
  const calls = `the job calls ${bridges.length === 1 ? 'bridge' : 'bridges'} ${bridges.join(', ')}`
  for (const argument of adapters) {
    const named = /^([A-Za-z0-9_-]+)=(.*)$/.exec(argument)
    let name: string
    let url: string
    if (named) {
      name = named[1].toLowerCase()
      url = named[2]
      if (!bridges.includes(name)) throw usage(`--adapter ${argument}: ${calls}, not ${name}`)
    } else {
      if (bridges.length !== 1 || adapters.length !== 1) {
        throw usage(`--adapter ${argument}: ${calls}: give --adapter <bridge>=<url> for each`)
      }
      name = bridges[0]
      url = argument
    }
    if (table.has(name)) throw usage(`--adapter: bridge ${name} is given twice`)
    let parsed: URL | undefined
    try {
      parsed = new URL(url)
    } catch {
      parsed = undefined
    }
    if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
      throw usage(`--adapter ${argument}: ${JSON.stringify(url)} is not an http:// or https:// URL`)
    }
    table.set(name, url)
  }
  const missing = bridges.filter((b) => !table.has(b))
  if (missing.length > 0) {
    throw usage(
      `${calls}: no --adapter for ${missing.join(', ')} (${bridges.length === 1 ? `--adapter <url>` : `--adapter ${missing[0]}=<url>`})`,
    )
  }
  return table
}

/** A task's value as text: a bridge's answer as it came, a number as its digits, anything else as JSON. */
export function showValue(task: Task, value: PipelineValue): string {
  if (typeof value === 'string') return task.type === 'bridge' ? value : JSON.stringify(value)
  if (value instanceof Decimal || typeof value === 'bigint') return value.toString()
  if (value instanceof MemoObject) return `memo ${value.kind} ${goJson(value.value)}`
  return goJson(value)
}

/** The spec's `maxTaskDuration` as the timeout of a bridge request: the node's default HTTP timeout caps it. */
function bridgeTimeoutMs(spec: Record<string, unknown>): number {
  const text = spec.maxTaskDuration
  if (text === undefined) return DEFAULT_HTTP_TIMEOUT_MS
  const ms = typeof text === 'string' ? goDurationMs(text) : undefined
  if (ms === undefined || ms < 0) {
    throw usage(`maxTaskDuration ${JSON.stringify(text)} is not a duration the node takes ("10s")`)
  }
  return ms === 0 ? DEFAULT_HTTP_TIMEOUT_MS : Math.min(ms, DEFAULT_HTTP_TIMEOUT_MS)
}

/** Replays a filled job against the adapters and says what the node would report. */
export async function checkJob(request: CheckRequest): Promise<CheckReport> {
  let text: string
  try {
    text = readFileSync(request.file, 'utf8')
  } catch (error) {
    throw usage(`cannot read ${request.file}: ${(error as Error).message}`)
  }
  const left = placeholdersIn(text)
  if (left.length > 0) {
    throw usage(`${request.file} still holds ${left.join(', ')}: fill it in first (npm run jobs -- fill)`)
  }
  let job
  try {
    job = parseJobSpec(text, request.file)
  } catch (error) {
    throw usage(`${request.file} is not a job spec the node takes: ${(error as Error).message}`)
  }
  const { spec } = job
  if (spec.type !== 'offchainreporting2' || spec.pluginType !== 'median') {
    throw usage(
      `${request.file}: check replays OCR2 median jobs (type "offchainreporting2", pluginType "median")`,
    )
  }
  const chainId = nodeChainId((spec.relayConfig as { chainID?: unknown } | undefined)?.chainID)
  if (chainId === undefined) throw usage(`${request.file}: [relayConfig] chainID is not one the node takes`)
  const refused = nodeFieldProblems(spec)
  if (refused.length > 0)
    throw usage(`${request.file}: the node would refuse this job: ${refused.join('; ')}`)
  const pipelines: [PipelineName, Pipeline][] = [
    ['observationSource', job.observationSource],
    ['juelsPerFeeCoinSource', job.juelsPerFeeCoinSource],
  ]
  const bridges = [...new Set(pipelines.flatMap(([, p]) => bridgesOf(p)))]
  const badName = bridges.find((name) => name === '' || !BRIDGE_NAME.test(name))
  if (badName !== undefined)
    throw usage(
      `${request.file}: a bridge task names bridge ${JSON.stringify(badName)}, which the node refuses`,
    )
  const table = bridgeTable(bridges, request.adapters)
  let httpMaxSize = DEFAULT_HTTP_MAX_SIZE
  if (request.maxSize !== undefined) {
    try {
      httpMaxSize = nodeFileSize(request.maxSize)
    } catch (error) {
      throw usage(`--max-size: ${(error as Error).message} (the node's MaxSize, such as 32kb or 1mb)`)
    }
  }
  const timeoutMs = bridgeTimeoutMs(spec)
  const vars = ocr2Vars({
    externalJobID: typeof spec.externalJobID === 'string' ? spec.externalJobID : randomUUID(),
    name: String(spec.name ?? ''),
  })
  const deadline = Date.now() + request.waitSeconds * 1_000

  const replay = async ([name, pipeline]: [PipelineName, Pipeline]): Promise<PipelineReport> => {
    const { run, sent, rounds, waiting } = await replayRounds(
      pipeline,
      { vars, bridgeUrl: (bridge) => table.get(bridge), bridgeTimeoutMs: timeoutMs, httpMaxSize },
      {
        maxRounds: Number.MAX_SAFE_INTEGER,
        deadline,
        pauseMs: 1_000,
        onRetry: (round) => request.onRetry?.(name, round),
      },
    )
    const tasks = pipeline.tasks.map((task): TaskReport => {
      const result = run.results.get(task.id)!
      // A TaskError's message starts with its task, which the report names already.
      return result.error
        ? { task: task.id, type: task.type, error: result.error.message.replace(`task ${task.id}: `, '') }
        : { task: task.id, type: task.type, value: showValue(task, result.value) }
    })
    const requests = sent.map((s) => ({ ...s, url: table.get(s.bridge.toLowerCase())! }))
    const report = { pipeline: name, rounds, waiting, tasks, requests }
    try {
      const value = observation(pipeline, run)
      if (value < INT192_MIN || value > INT192_MAX) {
        return {
          ...report,
          error: `no observation: ${value} is outside the int192 an OCR2 median report carries`,
        }
      }
      return { ...report, observation: value }
    } catch (error) {
      if (error instanceof ObservationError) return { ...report, error: error.message }
      throw usage(`${request.file}: ${name}: ${(error as Error).message}`)
    }
  }
  const answer = await replay(pipelines[0])
  const juelsPerFeeCoin = await replay(pipelines[1])
  return {
    file: request.file,
    job: { name: String(spec.name ?? ''), chainId, feedDecimals: job.feedDecimals },
    bridges: Object.fromEntries(table),
    httpMaxSize,
    answer,
    juelsPerFeeCoin,
    reports: answer.observation !== undefined && juelsPerFeeCoin.observation !== undefined,
  }
}

/** `1000523419870000000000000000` with its feed decimals: `1000523419.87`. */
export function atFeedDecimals(value: bigint, decimals: number | undefined): string | undefined {
  return decimals === undefined ? undefined : formatUnits(value, decimals)
}
