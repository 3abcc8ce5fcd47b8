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
import type { AdapterEndpoint, EndpointGenerics } from '@chainlink/external-adapter-framework/adapter'
import type { InputParametersDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { REPO_ROOT, loadAdapterModule } from '#devkit/adapters'
import { isNotYetComputed } from '#devkit/adapter-server'
import {
  goParseInt,
  parsePipeline,
  runPipeline,
  type Pipeline,
  type PipelineValue,
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

/** The endpoint of adapter `adapter` that a bridge request's `data` reaches (its `endpoint`, or the default). */
export async function endpointFor(
  adapter: string,
  data: Record<string, unknown>,
): Promise<AdapterEndpoint<EndpointGenerics>> {
  const { makeAdapter } = await loadAdapterModule(adapter)
  const built = makeAdapter()
  const wanted = (typeof data.endpoint === 'string' ? data.endpoint : built.defaultEndpoint)?.toLowerCase()
  const endpoint = built.endpoints.find(
    (e) => e.name.toLowerCase() === wanted || (e.aliases ?? []).some((a) => a.toLowerCase() === wanted),
  )
  if (!endpoint) throw new Error(`${adapter} has no endpoint ${JSON.stringify(wanted)}`)
  return endpoint
}

/**
 * The keys of `data` (nested ones too) that `definition` declares neither as a parameter nor as
 * an alias. The framework ignores such keys, so a renamed input would silently fall back to its
 * default: a job spec must have none.
 */
export function undeclaredKeys(data: unknown, definition: InputParametersDefinition, at = 'data'): string[] {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return []
  const found: string[] = []
  for (const [key, value] of Object.entries(data)) {
    // The framework's own key, which picks the endpoint (at the top level only).
    if (key === 'endpoint' && at === 'data') continue
    const entry = Object.entries(definition).find(
      ([name, param]) => name === key || (param.aliases ?? []).includes(key),
    )
    if (!entry) {
      found.push(`${at}.${key}`)
      continue
    }
    const [, param] = entry
    if (typeof param.type === 'object') {
      const nested = param.type as InputParametersDefinition
      const items = Array.isArray(value) ? value : [value]
      items.forEach((item, i) =>
        found.push(
          ...undeclaredKeys(item, nested, Array.isArray(value) ? `${at}.${key}[${i}]` : `${at}.${key}`),
        ),
      )
    }
  }
  return found
}

/**
 * Checks a bridge request's `data` against the endpoint it reaches: the framework's own input
 * validation, and no key the endpoint does not declare. Returns the problems found.
 */
export async function checkRequestData(adapter: string, data: PipelineValue): Promise<string[]> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['data is not an object']
  const record = data as Record<string, unknown>
  const endpoint = await endpointFor(adapter, record)
  const problems = undeclaredKeys(record, endpoint.inputParameters.definition).map(
    (key) => `${key} is not an input of ${adapter}'s ${endpoint.name} endpoint`,
  )
  try {
    endpoint.inputParameters.validateInput(record)
  } catch (error) {
    problems.push(`${adapter}'s ${endpoint.name} endpoint refuses it: ${(error as Error).message}`)
  }
  return problems
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
