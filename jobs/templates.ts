/**
 * The templates of jobs/: one folder per adapter with its bridge definition (bridge.json) and its
 * job specs (*.toml), the placeholders they hold, and a job spec read the way the node reads it
 * (TOML, then each pipeline as DOT).
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { REPO_ROOT } from '#devkit/adapters'
import { goParseInt, parsePipeline, type Pipeline } from '#devkit/pipeline'

export const JOBS_DIR = join(REPO_ROOT, 'jobs')

/**
 * A placeholder: capitals, digits and underscores in angle brackets (`<OCR2_KEY_BUNDLE_ID>`).
 * `values=<[0]>` does not match: its brackets are DOT's quotes around a list.
 */
export const PLACEHOLDER = /<([A-Z][A-Z0-9_]*)>/g

/** A bridge as the node's bridges API (`chainlink bridges create <file>`) takes it. */
export interface BridgeDefinition {
  name: string
  url: string
  confirmations: number
  minimumContractPayment: string
}

export interface JobSpec {
  /** Where it was read from (from the repository root for the templates). */
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

/**
 * A job spec's text read as the node reads it: TOML, its two pipelines, and its feed decimals.
 * Throws the TOML parser's or the pipeline parser's error.
 */
export function parseJobSpec(text: string, path: string): JobSpec {
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

/** Reads a job spec, `path` from the repository root. */
export function readJobSpec(path: string): JobSpec {
  return parseJobSpec(readFileSync(join(REPO_ROOT, path), 'utf8'), path)
}

/** The folder of jobs/ for `adapter`, with its bridge and job specs. */
export function jobFolder(adapter: string): JobFolder {
  const files = readdirSync(join(JOBS_DIR, adapter)).sort()
  const bridgeText = readFileSync(join(JOBS_DIR, adapter, 'bridge.json'), 'utf8')
  return {
    adapter,
    bridgeText,
    bridge: JSON.parse(bridgeText) as BridgeDefinition,
    jobs: files.filter((f) => f.endsWith('.toml')).map((f) => readJobSpec(`jobs/${adapter}/${f}`)),
  }
}

/** The names of jobs/'s folders, sorted: one per adapter. */
export function jobFolderNames(): string[] {
  return readdirSync(JOBS_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
}

/** Every folder of jobs/, with its bridge and job specs. */
export function jobFolders(): JobFolder[] {
  return jobFolderNames().map(jobFolder)
}

/** The bridges a pipeline's bridge tasks name, each once, lower-case (as the node stores them). */
export function bridgesOf(pipeline: Pipeline): string[] {
  const names = pipeline.tasks
    .filter((t) => t.type === 'bridge')
    .map((t) => (t.attributes.name ?? '').toLowerCase())
  return [...new Set(names)]
}

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
