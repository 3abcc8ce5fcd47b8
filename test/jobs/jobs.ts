/**
 * The jobs/ folder as the job tests read it: one folder per adapter with its bridge definition
 * (bridge.json) and its job specs (*.toml), the placeholders they hold (jobs/templates.ts), checks
 * of a bridge request's `data` against the adapter endpoint it reaches, and a job's pipeline
 * replayed over the rounds a node would run it (jobs/replay.ts).
 */
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bech32 } from '@scure/base'
import type { AdapterEndpoint, EndpointGenerics } from '@chainlink/external-adapter-framework/adapter'
import type { InputParametersDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { loadAdapterModule } from '#devkit/adapters'
import type { PipelineValue } from '#devkit/pipeline'
import { JOBS_DIR, placeholdersIn } from '../../jobs/templates'

// What the jobs CLI reads the templates with (jobs/templates.ts) and replays a job with
// (jobs/replay.ts), shared with the tests.
export {
  JOBS_DIR,
  PLACEHOLDER,
  fillPlaceholders,
  jobFolders,
  nodeChainId,
  placeholdersIn,
  readJobSpec,
  type BridgeDefinition,
  type JobFolder,
  type JobSpec,
} from '../../jobs/templates'
export { replayRounds, type SentRequest } from '../../jobs/replay'

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

/** A valid bitcoin mainnet P2WPKH address, derived from `seed`. */
export function custodian(seed: string): string {
  const program = createHash('sha256').update(seed).digest().subarray(0, 20)
  return bech32.encode('bc', [0, ...bech32.toWords(program)])
}
