/**
 * The jobs/ folder as the job tests read it: one folder per adapter with its bridge definition
 * (bridge.json) and its job specs (*.toml), the placeholders they hold, and checks of a bridge
 * request's `data` against the adapter endpoint it reaches.
 */
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseToml } from 'smol-toml'
import { REPO_ROOT } from '#devkit/adapters'
import { parsePipeline, type Pipeline } from '#devkit/pipeline'

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
