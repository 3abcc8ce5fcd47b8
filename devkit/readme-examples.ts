/**
 * An adapter README's example request and answer, held to the code. The README shows a bridge
 * request (`{ "id", "data": { … } }`) and the answer to it (`{ …, "statusCode": 200 }`), as the
 * first two such JSON blocks. `npm run lint` (`npm run docs -- --check`) checks, without running
 * the adapter, that the request is one its endpoint takes and that the answer agrees with itself
 * and with the request; the conformance suite checks that the answer has exactly the fields, of
 * the same types, as what the adapter answers.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { ADAPTERS_DIR } from './adapters'
import { checkRequestData } from './requests'

export interface ReadmeExamples {
  /** The example bridge request. */
  request?: { id?: unknown; data: Record<string, unknown> }
  /** The example answer (status 200). */
  answer?: Record<string, unknown>
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** The JSON code blocks of `markdown` that parse, in order. */
function jsonBlocks(markdown: string): unknown[] {
  return [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].flatMap(([, text]) => {
    try {
      return [JSON.parse(text) as unknown]
    } catch {
      return []
    }
  })
}

/** The example request (the first block holding a `data` object and no `statusCode`) and the first 200 answer after it. */
export function readmeExamples(markdown: string): ReadmeExamples {
  const blocks = jsonBlocks(markdown)
  const at = blocks.findIndex((b) => isRecord(b) && isRecord(b.data) && !('statusCode' in b))
  if (at < 0) return {}
  const request = blocks[at] as ReadmeExamples['request']
  const answer = blocks.slice(at + 1).find((b) => isRecord(b) && b.statusCode === 200) as
    Record<string, unknown> | undefined
  return { request, answer }
}

const INTEGER = /^-?\d+$/

/** Adapter `name`'s README. */
export function adapterReadme(name: string, adaptersDir = ADAPTERS_DIR): string {
  return readFileSync(join(adaptersDir, name, 'README.md'), 'utf8')
}

/** The input holding adapter `name`'s output decimals, as its conformance declaration says. */
export async function decimalsInputOf(name: string, adaptersDir = ADAPTERS_DIR): Promise<string | undefined> {
  const { conformance } = (await import(join(adaptersDir, name, 'test', 'conformance.ts'))) as {
    conformance?: { decimals?: { field: string } }
  }
  return conformance?.decimals?.field
}

/**
 * What is wrong with adapter `name`'s README examples, seen without running it: the request must
 * be one its endpoint takes (its inputs, no undeclared key); the answer must be a numeric answer
 * (`result` an integer string, `data.result` the same, `data.decimals` the decimals the request
 * asks for, when it names them) or an address list (`result` null, `data.result` a list).
 */
export async function exampleProblems(
  name: string,
  readme: string,
  decimalsInput?: string,
  adaptersDir = ADAPTERS_DIR,
): Promise<string[]> {
  const file = `adapters/${name}/README.md`
  const { request, answer } = readmeExamples(readme)
  if (!request) return [`${file} has no example request (a JSON block { "id": "1", "data": { … } })`]
  if (!answer)
    return [`${file} has no example answer after its request (a JSON block with "statusCode": 200)`]
  const problems = (await checkRequestData(name, request.data, adaptersDir)).map(
    (problem) => `${file}, example request: ${problem}`,
  )
  const data = isRecord(answer.data) ? answer.data : undefined
  const wrong = (problem: string) => problems.push(`${file}, example answer: ${problem}`)
  if (!data) wrong('no data object')
  else if (answer.result === null) {
    if (!Array.isArray(data.result)) wrong('result is null, so data.result must be the list of addresses')
  } else {
    if (typeof answer.result !== 'string' || !INTEGER.test(answer.result)) {
      wrong('result must be an integer in a string (or null, for an address list)')
    }
    if (data.result !== answer.result) wrong('data.result must be result')
    if (!Number.isSafeInteger(data.decimals)) wrong('data.decimals must be an integer')
    const asked = decimalsInput === undefined ? undefined : request.data[decimalsInput]
    if (asked !== undefined && data.decimals !== asked) {
      wrong(
        `data.decimals is ${String(data.decimals)}, but the request asks for ${decimalsInput} ${String(asked)}`,
      )
    }
  }
  return problems
}

/** The shape of a JSON value: its type, an object's fields' shapes, a list's entries' shapes. */
type Shape = string | { [field: string]: Shape } | Shape[]

/** Keys that are ids (`"1"`, `"42161"`): an object keyed only by them is a map, like a list. */
const ID_KEY = /^\d+$/

function shapeOf(value: unknown): Shape {
  if (value === null) return 'null'
  if (Array.isArray(value)) return value.length === 0 ? [] : [shapeOf(value[0])]
  // A map keyed by ids (Chainlink's `mintables` by chain): its keys are data, its values' shape is its shape.
  if (isRecord(value)) {
    const keys = Object.keys(value)
    if (keys.length > 0 && keys.every((key) => ID_KEY.test(key))) return [shapeOf(value[keys[0]])]
  }
  if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shapeOf(v)]))
  return typeof value
}

/**
 * Where `example` (the README's answer) and `actual` (what the adapter answered) differ in
 * shape: a field one has and the other lacks, or a value of another type. Lists, and objects
 * keyed only by ids (chain ids), are compared by their first entries; an empty list matches any list; `null` matches any type (a value the
 * adapter leaves out in some answers, such as a bar count).
 */
export function shapeDifferences(example: unknown, actual: unknown, at = 'answer'): string[] {
  return differences(shapeOf(example), shapeOf(actual), at)
}

function differences(example: Shape, actual: Shape, at: string): string[] {
  if (example === 'null' || actual === 'null') return []
  if (Array.isArray(example) || Array.isArray(actual)) {
    if (!Array.isArray(example) || !Array.isArray(actual)) return [`${at}: a list in one, not in the other`]
    if (example.length === 0 || actual.length === 0) return []
    return differences(example[0], actual[0], `${at}[]`)
  }
  if (typeof example === 'string' || typeof actual === 'string') {
    return example === actual
      ? []
      : [`${at}: ${describe(example)} in the README, ${describe(actual)} in the answer`]
  }
  const fields = [...new Set([...Object.keys(example), ...Object.keys(actual)])]
  return fields.flatMap((field) => {
    if (!(field in actual)) return [`${at}.${field}: in the README, not in the answer`]
    if (!(field in example)) return [`${at}.${field}: in the answer, not in the README`]
    return differences(example[field], actual[field], `${at}.${field}`)
  })
}

const describe = (shape: Shape) => (typeof shape === 'string' ? `a ${shape}` : 'an object')
