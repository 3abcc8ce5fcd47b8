/**
 * The jobs/ folder as the job tests read it: one folder per adapter with its bridge definition
 * (bridge.json) and its job specs (*.toml), the placeholders they hold, checks of a bridge
 * request's `data` against the adapter endpoint it reaches, and a job's pipeline replayed over
 * the rounds a node would run it.
 */
import { createHash } from 'node:crypto'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { bech32 } from '@scure/base'
import { parse as parseToml } from 'smol-toml'
import { REPO_ROOT } from '#devkit/adapters'
import { isNotYetComputed } from '#devkit/adapter-server'
import {
  goParseInt,
  parsePipeline,
  runPipeline,
  type Pipeline,
  type RunOptions,
  type RunResult,
} from '#devkit/pipeline'

export const JOBS_DIR = join(REPO_ROOT, 'jobs')

/** A placeholder: capitals, digits and underscores in angle brackets (`<OCR2_KEY_BUNDLE_ID>`). */
export const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)>/g

/** A bridge as the node's bridges API (`chainlink bridges create <file>`) takes it. */
export interface BridgeDefinition {
  name: string
  url: string
  confirmations: number
  minimumContractPayment: string
}

export interface JobSpec {
  /** Path from the repository root. */
  path: string
  text: string
  spec: Record<string, unknown>
  observationSource: Pipeline
  juelsPerFeeCoinSource: Pipeline
  /** The decimals the feed is deployed with, from the spec's `# Feed decimals: N` line. */
  feedDecimals: number | undefined
}

export interface JobFolder {
  /** The folder's name: the adapter its bridge fronts. */
  adapter: string
  bridgeText: string
  bridge: BridgeDefinition
  jobs: JobSpec[]
}

/** The placeholders in `text`, each once, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[0]))]
}

/** `text` with each placeholder replaced by its value; a placeholder without one throws. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (placeholder) => {
    if (!Object.hasOwn(values, placeholder)) throw new Error(`no value given for ${placeholder}`)
    return values[placeholder]
  })
}

/** Reads a job spec: TOML, its two pipelines, its feed decimals. */
export function readJobSpec(path: string): JobSpec {
  const text = readFileSync(join(REPO_ROOT, path), 'utf8')
  const spec = parseToml(text) as Record<string, unknown>
  const pluginConfig = (spec.pluginConfig ?? {}) as Record<string, unknown>
  const decimals = /^# Feed decimals: (\d+)$/m.exec(text)
  return {
    path,
    text,
    spec,
    observationSource: parsePipeline(String(spec.observationSource ?? '')),
    juelsPerFeeCoinSource: parsePipeline(String(pluginConfig.juelsPerFeeCoinSource ?? '')),
    feedDecimals: decimals ? Number(decimals[1]) : undefined,
  }
}

/** Every folder of jobs/, with its bridge and job specs. */
export function jobFolders(): JobFolder[] {
  return readdirSync(JOBS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((adapter) => {
      const files = readdirSync(join(JOBS_DIR, adapter)).sort()
      const bridgeText = readFileSync(join(JOBS_DIR, adapter, 'bridge.json'), 'utf8')
      return {
        adapter,
        bridgeText,
        bridge: JSON.parse(bridgeText) as BridgeDefinition,
        jobs: files.filter((f) => f.endsWith('.toml')).map((f) => readJobSpec(`jobs/${adapter}/${f}`)),
      }
    })
}

/** The placeholders jobs/README.md lists in its "Placeholders" section. */
export function documentedPlaceholders(): string[] {
  const readme = readFileSync(join(JOBS_DIR, 'README.md'), 'utf8')
  const section = /^## Placeholders$([\s\S]*?)(?=^## )/m.exec(readme)
  if (!section) throw new Error('jobs/README.md has no "## Placeholders" section')
  return placeholdersIn(section[1])
}

// How a bridge request's `data` is checked against its adapter's endpoint (also used by the
// README examples' check): devkit/requests.ts.
export { checkRequestData, endpointFor, undeclaredKeys } from '#devkit/requests'

/**
 * The chain id a node reads from a job's `[relayConfig] chainID`, or undefined where it refuses
 * it. core/services/job/models.go getChainIdFromRelayConfig takes a string as written, an
 * integer, or a float cut to an integer, and validateRelayID wants a base-10 int64 for an EVM
 * chain; the EVM relay then reads the relay config's chainID as a big integer
 * (core/services/relay/evm/types RelayConfig), which a float with a fraction is not.
 */
export function nodeChainId(value: unknown): string | undefined {
  let text: string
  if (typeof value === 'string') text = value
  else if (typeof value === 'bigint') text = value.toString()
  else if (typeof value === 'number' && Number.isInteger(value)) text = BigInt(value).toString()
  else return undefined
  return goParseInt(text, 10, 64) === undefined ? undefined : text
}

/** A valid bitcoin mainnet P2WPKH address, derived from `seed`. */
export function custodian(seed: string): string {
  const program = createHash('sha256').update(seed).digest().subarray(0, 20)
  return bech32.encode('bc', [0, ...bech32.toWords(program)])
}

/** A bridge request a replayed run sent. */
export interface SentRequest {
  task: string
  bridge: string
  body: string
}

/**
 * Runs `pipeline` as successive OCR rounds do until a run is not failed by an adapter's 504 "no
 * value yet" (the first request for new inputs registers them; the next rounds find the value).
 * Returns the last run and the requests it sent.
 */
export async function replayRounds(
  pipeline: Pipeline,
  options: Omit<RunOptions, 'onBridgeRequest'>,
): Promise<{ run: RunResult; sent: SentRequest[] }> {
  for (let round = 1; ; round++) {
    const sent: SentRequest[] = []
    const run = await runPipeline(pipeline, {
      ...options,
      onBridgeRequest: ({ task, bridge, body }) => sent.push({ task, bridge, body }),
    })
    const waiting = [...run.results.values()].some(({ error }) => {
      const answer = error?.bridgeAnswer
      if (!answer) return false
      let body: Record<string, unknown> | undefined
      try {
        body = JSON.parse(answer.body) as Record<string, unknown>
      } catch {
        body = undefined
      }
      return isNotYetComputed({ status: answer.status, text: answer.body, body })
    })
    if (!waiting || round === 30) return { run, sent }
  }
}
