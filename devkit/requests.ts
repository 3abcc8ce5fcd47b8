/**
 * A bridge request's `data` checked against the adapter endpoint it reaches, without running the
 * adapter: the job specs' tests (test/jobs) and the README examples' check (devkit/docs.ts).
 */
import type { AdapterEndpoint, EndpointGenerics } from '@chainlink/external-adapter-framework/adapter'
import type { InputParametersDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { ADAPTERS_DIR, loadAdapterModule } from './adapters'

/** The endpoint of adapter `adapter` that a bridge request's `data` reaches (its `endpoint`, or the default). */
export async function endpointFor(
  adapter: string,
  data: Record<string, unknown>,
  adaptersDir = ADAPTERS_DIR,
): Promise<AdapterEndpoint<EndpointGenerics>> {
  const { makeAdapter } = await loadAdapterModule(adapter, adaptersDir)
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
export async function checkRequestData(
  adapter: string,
  data: unknown,
  adaptersDir = ADAPTERS_DIR,
): Promise<string[]> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return ['data is not an object']
  const record = data as Record<string, unknown>
  const endpoint = await endpointFor(adapter, record, adaptersDir)
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
