/**
 * A Chainlink node's job pipeline (a job spec's DOT `observationSource`), parsed and run the way
 * the node runs it, so that the job specs in jobs/ can be replayed against real adapter servers.
 *
 * It follows the node's `core/services/pipeline` (v2): the DOT text is wrapped in `digraph { … }`
 * and quoted attribute values are unquoted with Go's `strconv.Unquote` (gonum's DOT decoder),
 * angle-bracketed values lose their brackets; `$(a.b)` reads a run variable (a task's result by
 * its name, `jb.externalJobID`, `jobRun.meta`); JSON given in a task attribute is read with
 * integers kept exact and other numbers as float64, while `jsonparse` reads everything as Go's
 * `encoding/json` does (every number a float64); arithmetic is exact decimal (shopspring
 * `decimal`, division rounded half away from zero to 16 places unless told), and the OCR
 * observation is the final value truncated to an integer (`decimal.BigInt()`). A bridge posts
 * its request data with the run's `meta` added, as Go marshals it (keys sorted), and fails on an
 * HTTP status ≥ 400, on a body `statusCode` (or `providerStatusCode`) other than 200, on a body
 * `error` beside its `statusCode`, and on any status but 200 when the body has no `statusCode`.
 *
 * Only the task types our job specs use are modelled (bridge, jsonparse, multiply, divide,
 * median, sum, memo), and it is stricter than the node where the node is silently lenient: an
 * attribute it does not know, a variable naming a task that has not run before it, a node
 * defined twice or DOT it does not model (subgraphs, default attribute statements) are refused
 * when the pipeline is parsed.
 */
import { parse } from 'ts-graphviz/ast'
import type { AttributeASTNode, LiteralASTNode } from 'ts-graphviz/ast'
import { add, compare, formatUnits, parseDecimal, rescale, times, type ScaledAmount } from '#common/decimal'
import { JsonNumber, parseLosslessJson, type LosslessJson } from '#common/json'

/** A shopspring `decimal.Decimal`: what the arithmetic tasks return. */
export class Decimal {
  constructor(readonly amount: ScaledAmount) {}

  static parse(text: string): Decimal {
    return new Decimal(parseDecimal(text))
  }

  /** shopspring's `String()`: plain decimal text, no exponent, no trailing zeros. */
  toString(): string {
    return formatUnits(this.amount.units, this.amount.decimals)
  }
}

/**
 * A value in a pipeline run, typed as the node's Go value would be: `number` is a float64 (what
 * `encoding/json` makes of any JSON number), `bigint` an integer (int64, uint64 or *big.Int: an
 * integer written in a task attribute's JSON), {@link Decimal} a `decimal.Decimal`.
 */
export type PipelineValue =
  null | boolean | string | number | bigint | Decimal | PipelineValue[] | { [key: string]: PipelineValue }

/** The task types modelled here, with the attributes each takes (beside `type` and `index`). */
export const TASK_ATTRIBUTES = {
  bridge: ['name', 'requestData'],
  jsonparse: ['path', 'separator', 'data'],
  multiply: ['input', 'times'],
  divide: ['input', 'divisor', 'precision'],
  median: ['values', 'allowedFaults'],
  sum: ['values', 'allowedFaults'],
  memo: ['value'],
} as const

export type TaskType = keyof typeof TASK_ATTRIBUTES

/** Attributes every task takes: its type and, for pipelines with several results, its output index. */
const BASE_ATTRIBUTES = ['type', 'index']

export interface Task {
  /** The task's name in the DOT source (its DOT ID), which is also the variable holding its result. */
  id: string
  type: TaskType
  /** Attribute values as the node reads them (unquoted). */
  attributes: Record<string, string>
  /** Tasks with an edge into this one, in the order the edges are written. */
  inputs: string[]
  /** Tasks this one has an edge into. */
  outputs: string[]
}

export interface Pipeline {
  /** The tasks in a run order: every task after all its inputs. */
  tasks: Task[]
  /** The tasks without outputs: their results are the run's results. */
  terminals: Task[]
}

/** The pipeline text cannot be run: bad DOT, an unknown task type or attribute, a cycle. */
export class PipelineSpecError extends Error {
  override name = 'PipelineSpecError'
}

/** What a bridge answered, kept on a failed bridge task. */
export interface BridgeAnswer {
  status: number
  body: string
}

/** A task's failure, as the node records it in the task run. */
export class TaskError extends Error {
  override name = 'TaskError'
  constructor(
    readonly task: string,
    message: string,
    /** The bridge's answer, when a bridge task failed on it. */
    readonly bridgeAnswer?: BridgeAnswer,
  ) {
    super(`task ${task}: ${message}`)
  }
}

// ---------------------------------------------------------------------------------------------
// Parsing

/** Go's `strconv.Unquote` for a double-quoted string, or undefined where Go returns an error. */
export function goUnquote(quoted: string): string | undefined {
  if (quoted.length < 2 || !quoted.startsWith('"') || !quoted.endsWith('"')) return undefined
  const body = quoted.slice(1, -1)
  let out = ''
  for (let i = 0; i < body.length;) {
    const c = body[i]
    if (c === '"' || c === '\n') return undefined
    if (c !== '\\') {
      out += c
      i += 1
      continue
    }
    const e = body[i + 1]
    const simple: Record<string, string> = {
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
      '\\': '\\',
      '"': '"',
    }
    if (e !== undefined && Object.hasOwn(simple, e)) {
      out += simple[e]
      i += 2
      continue
    }
    const hexLength = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0
    if (hexLength > 0) {
      const hex = body.slice(i + 2, i + 2 + hexLength)
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) return undefined
      const code = Number.parseInt(hex, 16)
      if (e !== 'x' && (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))) return undefined
      out += String.fromCodePoint(code)
      i += 2 + hexLength
      continue
    }
    const octal = body.slice(i + 1, i + 4)
    if (/^[0-7]{3}$/.test(octal) && Number.parseInt(octal, 8) <= 255) {
      out += String.fromCharCode(Number.parseInt(octal, 8))
      i += 4
      continue
    }
    return undefined
  }
  return out
}

/** The value the node gives a DOT ID or attribute value (gonum's `unquoteID`, then the node's own bracket rule). */
function dotValue(literal: LiteralASTNode, source: string): string {
  if (literal.quoted === 'html') {
    // gonum keeps `<…>`; the node then drops the brackets when nothing inside is a bracket.
    return /^[^<>]+$/.test(literal.value) ? literal.value : `<${literal.value}>`
  }
  if (literal.quoted !== true) return literal.value
  const { location } = literal
  if (!location) throw new PipelineSpecError('the DOT parser gave no source location')
  const raw = source.slice(location.start.offset, location.end.offset)
  // gonum leaves `"<…>"` as it is, and a string Go cannot unquote keeps its quotes.
  if (raw.startsWith('"<') && raw.endsWith('>"')) return raw
  return goUnquote(raw) ?? raw
}

const VARIABLE = /\$\(\s*([a-zA-Z0-9_.]+)\s*\)/g

/** The run variables an attribute value reads (`$(parse)` → `parse`, `$(jb.externalJobID)` → `jb.externalJobID`). */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(VARIABLE)].map((m) => m[1])
}

/**
 * Parses a job's `observationSource` (or `juelsPerFeeCoinSource`) as the node does. Throws a
 * {@link PipelineSpecError} for anything the node would refuse, and for what it would silently
 * ignore (see the module comment).
 */
export function parsePipeline(dot: string): Pipeline {
  const source = `digraph {\n${dot}\n}`
  let ast
  try {
    ast = parse(source)
  } catch (error) {
    throw new PipelineSpecError(`not valid DOT: ${(error as Error).message}`)
  }
  const graph = ast.children.find((child) => child.type === 'Graph')
  if (!graph) throw new PipelineSpecError('not a DOT graph')
  const nodes = new Map<string, { attributes: Record<string, string>; defined: boolean }>()
  const order: string[] = []
  const node = (id: string) => {
    let entry = nodes.get(id)
    if (!entry) {
      entry = { attributes: {}, defined: false }
      nodes.set(id, entry)
      order.push(id)
    }
    return entry
  }
  const edges: [string, string][] = []
  for (const statement of graph.children) {
    if (statement.type === 'Comment') continue
    if (statement.type === 'Node') {
      const id = dotValue(statement.id, source)
      const entry = node(id)
      if (entry.defined) throw new PipelineSpecError(`task ${id} is defined twice`)
      entry.defined = true
      for (const attribute of statement.children.filter(
        (c): c is AttributeASTNode => c.type === 'Attribute',
      )) {
        const key = dotValue(attribute.key, source)
        if (Object.hasOwn(entry.attributes, key)) {
          throw new PipelineSpecError(`task ${id}: attribute ${key} is given twice`)
        }
        entry.attributes[key] = dotValue(attribute.value, source)
      }
      continue
    }
    if (statement.type === 'Edge') {
      const ids = statement.targets.map((target) => {
        if (target.type !== 'NodeRef') throw new PipelineSpecError('edges must join single tasks')
        return dotValue(target.id, source)
      })
      if (statement.children.some((c) => c.type === 'Attribute')) {
        throw new PipelineSpecError('edges take no attributes')
      }
      for (let i = 1; i < ids.length; i++) edges.push([ids[i - 1], ids[i]])
      ids.forEach((id) => node(id))
      continue
    }
    throw new PipelineSpecError(`${statement.type} statements are not used in job pipelines`)
  }

  const tasks = new Map<string, Task>()
  for (const id of order) {
    const { attributes, defined } = nodes.get(id)!
    if (!defined) throw new PipelineSpecError(`task ${id} appears in an edge but is never defined`)
    if (id === 'input') throw new PipelineSpecError(`"input" is reserved and cannot name a task`)
    // The node lower-cases the type.
    const type = (attributes.type ?? '').toLowerCase()
    if (!Object.hasOwn(TASK_ATTRIBUTES, type)) {
      throw new PipelineSpecError(`task ${id}: unknown task type ${JSON.stringify(attributes.type ?? '')}`)
    }
    const allowed = [...BASE_ATTRIBUTES, ...TASK_ATTRIBUTES[type as TaskType]]
    const unknown = Object.keys(attributes).filter((key) => !allowed.includes(key))
    if (unknown.length > 0) {
      throw new PipelineSpecError(
        `task ${id} (${type}): unknown attribute(s) ${unknown.join(', ')}; a ${type} task takes ${allowed.join(', ')}`,
      )
    }
    tasks.set(id, { id, type: type as TaskType, attributes, inputs: [], outputs: [] })
  }
  for (const [from, to] of edges) {
    tasks.get(from)!.outputs.push(to)
    tasks.get(to)!.inputs.push(from)
  }

  // Kahn's algorithm, stable in the order the tasks are written; what is left is a cycle.
  const remaining = new Map([...tasks.values()].map((t) => [t.id, t.inputs.length]))
  const sorted: Task[] = []
  while (sorted.length < tasks.size) {
    const next = [...tasks.values()].find((t) => remaining.get(t.id) === 0)
    if (!next) {
      throw new PipelineSpecError(`the tasks form a cycle: ${[...remaining.keys()].join(', ')}`)
    }
    remaining.delete(next.id)
    for (const out of next.outputs) remaining.set(out, remaining.get(out)! - 1)
    sorted.push(next)
  }

  // A variable naming a task must name one that has finished by then: one upstream of it.
  const upstream = (task: Task, seen = new Set<string>()): Set<string> => {
    for (const input of task.inputs) {
      if (!seen.has(input)) {
        seen.add(input)
        upstream(tasks.get(input)!, seen)
      }
    }
    return seen
  }
  for (const task of sorted) {
    const before = upstream(task)
    for (const value of Object.values(task.attributes)) {
      for (const variable of variablesIn(value)) {
        const name = variable.split('.')[0]
        if (tasks.has(name) && !before.has(name)) {
          throw new PipelineSpecError(
            `task ${task.id} reads $(${variable}) but ${name} is not upstream of it: add an edge ${name} -> … -> ${task.id}`,
          )
        }
      }
    }
  }
  return { tasks: sorted, terminals: sorted.filter((t) => t.outputs.length === 0) }
}

// ---------------------------------------------------------------------------------------------
// Values

const isObject = (value: unknown): value is { [key: string]: PipelineValue } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Decimal) &&
  !(value instanceof TaskError)

/** JSON as `encoding/json` decodes it into `interface{}`: every number a float64. */
function decodeGoJson(text: string): PipelineValue {
  return JSON.parse(text) as PipelineValue
}

/** JSON as the node reads a task attribute (`UseNumber`): integers exact, other numbers float64. */
function fromLosslessJson(value: LosslessJson): PipelineValue {
  if (value instanceof JsonNumber) {
    return /^-?\d+$/.test(value.text) ? BigInt(value.text) : Number(value.text)
  }
  if (Array.isArray(value)) return value.map(fromLosslessJson)
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fromLosslessJson(v)]))
  }
  return value
}

/** Go's `encoding/json` text of a float64 (the same as JavaScript's, but for -0). */
function goFloat(value: number): string {
  if (!Number.isFinite(value)) throw new TypeError(`json: unsupported value: ${value}`)
  return Object.is(value, -0) ? '-0' : JSON.stringify(value)
}

/** `json.Marshal` of a value: object keys sorted, `<`, `>` and `&` escaped, a decimal as a string. */
export function goJson(value: PipelineValue): string {
  if (value === null) return 'null'
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return goFloat(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'string') {
    return JSON.stringify(value)
      .replaceAll('<', '\\u003c')
      .replaceAll('>', '\\u003e')
      .replaceAll('&', '\\u0026')
      .replaceAll('\u2028', '\\u2028')
      .replaceAll('\u2029', '\\u2029')
  }
  if (value instanceof Decimal) return goJson(value.toString())
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${goJson(key)}:${goJson(value[key])}`).join(',')}}`
}

/** `utils.ToDecimal`: a number in any of the forms a task may hold it. */
export function toDecimal(value: PipelineValue | undefined, what: string): Decimal {
  if (value instanceof Decimal) return value
  if (typeof value === 'bigint') return new Decimal({ units: value, decimals: 0 })
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${what}: invalid float ${value}, cannot convert to decimal`)
    // shopspring's NewFromFloat keeps the shortest text that reads back as the same float64,
    // which is JavaScript's number-to-string.
    return Decimal.parse(String(value))
  }
  if (typeof value === 'string') {
    if (value !== value.trim() || value === '') {
      throw new Error(`${what}: can't convert ${JSON.stringify(value)} to decimal`)
    }
    try {
      return Decimal.parse(value)
    } catch {
      throw new Error(`${what}: can't convert ${JSON.stringify(value)} to decimal`)
    }
  }
  throw new Error(`${what}: type ${describe(value)} cannot be converted to decimal.Decimal`)
}

function describe(value: PipelineValue | undefined): string {
  if (value === undefined || value === null) return 'nil'
  if (Array.isArray(value)) return 'array'
  return typeof value
}

/** `a / b` rounded half away from zero to `precision` decimal places (shopspring's DivRound). */
function divRound(a: Decimal, b: Decimal, precision: number): Decimal {
  const x = a.amount
  const y = b.amount
  // a / b = x.units × 10^(y.decimals) / (y.units × 10^(x.decimals)); scaled by 10^precision.
  let numerator = x.units * 10n ** BigInt(y.decimals)
  let denominator = y.units * 10n ** BigInt(x.decimals)
  if (precision >= 0) numerator *= 10n ** BigInt(precision)
  else denominator *= 10n ** BigInt(-precision)
  const negative = numerator < 0n !== denominator < 0n
  const n = numerator < 0n ? -numerator : numerator
  const d = denominator < 0n ? -denominator : denominator
  let quotient = n / d
  if (2n * (n % d) >= d) quotient += 1n
  if (negative) quotient = -quotient
  return precision >= 0
    ? new Decimal({ units: quotient, decimals: precision })
    : new Decimal({ units: quotient * 10n ** BigInt(-precision), decimals: 0 })
}

/** shopspring's default precision for `Div`. */
const DIVISION_PRECISION = 16

/** `decimal.BigInt()`: the integer part, truncated toward zero, which the OCR plugin reports. */
export function truncateToInteger(value: Decimal): bigint {
  return rescale(value.amount.units, value.amount.decimals, 0, value.amount.units < 0n ? 'up' : 'down')
}

// ---------------------------------------------------------------------------------------------
// Running

/** The variables of a run: what the job gives it, then each task's result under its name. */
export type Vars = Record<string, PipelineValue | TaskError>

export interface OcrRunContext {
  /** The job's external job ID (a UUID). */
  externalJobID: string
  /** The job's ID in the node's database. */
  databaseID?: number
  /** The job's `name`. */
  name?: string
  /** The answer this node last observed and when (unix seconds); absent before its first observation. */
  latestAnswer?: bigint
  updatedAt?: bigint
}

/**
 * The variables the node gives an OCR2 median observation run (ocrcommon's data source): `jb`
 * (`databaseID`, `externalJobID`, `name`) and `jobRun.meta`, the `{ latestAnswer, updatedAt }`
 * it adds to every bridge request. Not `jobSpec`: that is what Flux Monitor and Direct Request
 * runs get, and `$(jobSpec.externalJobID)` fails in an OCR2 job.
 */
export function ocr2Vars(context: OcrRunContext): Vars {
  // The node marshals the big.Ints and unmarshals them into interface{}: float64s.
  const float = (n: bigint | undefined) => (n === undefined ? null : Number(n))
  return {
    jb: {
      databaseID: BigInt(context.databaseID ?? 1),
      externalJobID: context.externalJobID,
      name: context.name ?? '',
    },
    jobRun: { meta: { latestAnswer: float(context.latestAnswer), updatedAt: float(context.updatedAt) } },
  }
}

export interface RunOptions {
  vars: Vars
  /**
   * The node's bridges: the URL of the bridge named `name` (names are case-insensitive, stored
   * lower-case), or undefined when there is no such bridge.
   */
  bridgeUrl: (name: string) => string | undefined
  /** Called with every bridge request as it is sent. */
  onBridgeRequest?: (request: { task: string; bridge: string; url: string; body: string }) => void
  /** How long a bridge request may take (the node's default HTTP timeout is 15 s). */
  bridgeTimeoutMs?: number
}

/** One task's result: a value or an error. */
export type TaskResult = { value: PipelineValue; error?: undefined } | { value?: undefined; error: TaskError }

export interface RunResult {
  /** Every task's result, by task name. */
  results: Map<string, TaskResult>
  /** The terminal tasks' results, in run order. */
  terminals: TaskResult[]
}

/** The value at `keypath` (`a`, `a.b`, `a.0.b`) of the run variables. */
function getVar(vars: Vars, keypath: string): PipelineValue | TaskError {
  const parts = keypath.trim().split('.')
  if (parts.some((p) => p === '')) throw new Error(`invalid keypath ${JSON.stringify(keypath)}`)
  let current: PipelineValue | TaskError | undefined = Object.hasOwn(vars, parts[0])
    ? vars[parts[0]]
    : undefined
  if (current === undefined) throw new Error(`keypath not found: ${keypath} (no variable ${parts[0]})`)
  for (const [i, part] of parts.slice(1).entries()) {
    if (Array.isArray(current)) {
      if (!/^-?\d+$/.test(part)) throw new Error(`keypath not found: ${keypath} (${part} is not an index)`)
      const index = Number(part)
      if (index < 0 || index >= current.length) {
        throw new Error(`index out of range: ${keypath} (segment ${i + 1} of length ${current.length})`)
      }
      current = current[index]
    } else if (isObject(current) && Object.hasOwn(current, part)) {
      current = current[part]
    } else {
      throw new Error(`keypath not found: ${keypath} (no ${part} at segment ${i + 1})`)
    }
  }
  return current
}

const EMPTY = Symbol('parameter is empty')
type Getter = () => PipelineValue | TaskError | typeof EMPTY

/** `VarExpr`: an attribute that is exactly one `$(…)`, read as the variable's value. */
const varExpr =
  (text: string | undefined, vars: Vars): Getter =>
  () => {
    const trimmed = (text ?? '').trim()
    const single = /^\$\(\s*([a-zA-Z0-9_.]+)\s*\)$/.exec(trimmed)
    if (!single || trimmed.split('$').length !== 2) return EMPTY
    const value = getVar(vars, single[1])
    if (value instanceof TaskError) throw new Error(`too many errors: ${value.message}`)
    return value
  }

const KEYPATH_MARKER = '__chainlink_key_path__'

/**
 * `JSONWithVarExprs`: the attribute read as JSON, each `$(…)` replaced by the variable's value
 * (not as text: a `$(…)` inside a JSON string breaks the JSON, as in the node).
 */
export function jsonWithVarExprs(text: string, vars: Vars, allowErrors: boolean): PipelineValue | TaskError {
  const replaced = text.replace(
    VARIABLE,
    (_match, path: string) => `{ "${KEYPATH_MARKER}": "${path.trim()}" }`,
  )
  let parsed: LosslessJson
  try {
    parsed = parseLosslessJson(replaced)
  } catch (error) {
    throw new Error(
      `bad input for task: while unmarshalling JSON: ${(error as Error).message}; js: ${replaced}`,
    )
  }
  const substitute = (value: PipelineValue): PipelineValue | TaskError => {
    if (Array.isArray(value)) return value.map((v) => substitute(v) as PipelineValue)
    if (!isObject(value)) return value
    if (Object.hasOwn(value, KEYPATH_MARKER)) {
      const keypath = value[KEYPATH_MARKER]
      if (typeof keypath !== 'string') throw new Error(`you cannot use ${KEYPATH_MARKER} in your JSON`)
      const found = getVar(vars, keypath)
      if (found instanceof TaskError && !allowErrors) {
        throw new Error(`bad input for task: error is not allowed: ${found.message}`)
      }
      return found
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v) as PipelineValue]))
  }
  return substitute(fromLosslessJson(parsed))
}

const jsonGetter =
  (text: string | undefined, vars: Vars, allowErrors: boolean): Getter =>
  () =>
    (text ?? '').trim() === '' ? EMPTY : jsonWithVarExprs(text!, vars, allowErrors)

/** `NonemptyString`: the attribute as text, trimmed, unless it is blank. */
const nonemptyString =
  (text: string | undefined): Getter =>
  () =>
    (text ?? '').trim() === '' ? EMPTY : text!.trim()

/** `Input(inputs, i)`: input number `i`'s value (or its error). */
const input =
  (inputs: TaskResult[], index: number): Getter =>
  () => {
    if (index >= inputs.length) return EMPTY
    const result = inputs[index]
    if (result.error) throw new Error(`input task errored: ${result.error.message}`)
    return result.value
  }

/** `ResolveParam`: the first getter with a value (an empty one passes to the next). */
function resolve(name: string, getters: Getter[]): PipelineValue | TaskError | typeof EMPTY {
  for (const get of getters) {
    let value
    try {
      value = get()
    } catch (error) {
      throw new Error(`${name}: ${(error as Error).message}`)
    }
    if (value !== EMPTY) return value
  }
  return EMPTY
}

function required(name: string, value: PipelineValue | TaskError | typeof EMPTY): PipelineValue {
  if (value === EMPTY) throw new Error(`${name}: parameter is empty`)
  if (value instanceof TaskError) throw new Error(`${name}: ${value.message}`)
  return value
}

/** `CheckInputs`: the number of inputs and of errored inputs a task accepts (−1: any). */
function checkInputs(inputs: TaskResult[], min: number, max: number, maxErrors: number): void {
  if ((min >= 0 && inputs.length < min) || (max >= 0 && inputs.length > max)) {
    throw new Error(`task inputs: wrong number of task inputs: min ${min} max ${max} (got ${inputs.length})`)
  }
  const errors = inputs.filter((i) => i.error).length
  if (errors > maxErrors) {
    throw new Error(`task inputs: too many errors (${errors} errored input(s), ${maxErrors} allowed)`)
  }
}

/** `MapParam`: a JSON object (given as a map or as JSON text), or nothing. */
function toMap(name: string, value: PipelineValue | typeof EMPTY): { [key: string]: PipelineValue } | null {
  if (value === EMPTY || value === null) return null
  if (isObject(value)) return value
  if (typeof value === 'string') {
    const decoded = decodeGoJson(value)
    if (isObject(decoded)) return decoded
  }
  throw new Error(`${name}: expected map, got ${describe(value)}`)
}

/** The status the node takes from an adapter's JSON body, when it has a `statusCode` (eautils). */
function adapterStatus(body: string): number | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(body)
  } catch {
    return undefined
  }
  if (!isObject(parsed)) return undefined
  const { statusCode, providerStatusCode, error } = parsed as Record<string, unknown>
  if (typeof statusCode !== 'number') return undefined
  if (statusCode !== 200) return statusCode
  if (typeof providerStatusCode === 'number' && providerStatusCode !== 200) return providerStatusCode
  if (error !== undefined && error !== null) return 500
  return statusCode
}

/** The adapter's own error out of a failed answer (`{ error: { name, message } }`, or `errorMessage`). */
function adapterError(body: string): string {
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>
    const error = parsed.error as { name?: unknown; message?: unknown } | undefined
    if (error && typeof error === 'object') return `${String(error.name)}: ${String(error.message)}`
    if (typeof error === 'string') return error
    if (typeof parsed.errorMessage === 'string') return parsed.errorMessage
  } catch {
    // not JSON: the body is the message
  }
  return body.slice(0, 300)
}

/** A bridge task's failure on the bridge's answer (kept for the task's {@link TaskError}). */
class BridgeFailure extends Error {
  constructor(
    message: string,
    readonly answer: BridgeAnswer,
  ) {
    super(message)
  }
}

/** Bridge names as the node accepts them (it stores them lower-case). */
export const BRIDGE_NAME = /^[a-zA-Z0-9-_]*$/

async function runBridge(task: Task, inputs: TaskResult[], options: RunOptions): Promise<PipelineValue> {
  checkInputs(inputs, -1, -1, 0)
  const name = required('name', resolve('name', [nonemptyString(task.attributes.name)])) as string
  const requestData = toMap(
    'requestData',
    required(
      'requestData',
      resolve('requestData', [
        varExpr(task.attributes.requestData, options.vars),
        jsonGetter(task.attributes.requestData, options.vars, false),
        () => null,
      ]),
    ),
  )
  if (!BRIDGE_NAME.test(name)) throw new Error(`name: task name contains invalid characters: ${name}`)
  const url = options.bridgeUrl(name.toLowerCase())
  if (url === undefined) throw new Error(`could not find bridge with name '${name}'`)
  // withRunInfo: the run's meta goes in beside the request data.
  const meta = (() => {
    try {
      return getVar(options.vars, 'jobRun.meta')
    } catch {
      return undefined
    }
  })()
  const request: { [key: string]: PipelineValue } = { ...(requestData ?? {}) }
  if (isObject(meta)) request.meta = meta
  const body = goJson(request)
  options.onBridgeRequest?.({ task: task.id, bridge: name, url, body })
  let response: Response
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(options.bridgeTimeoutMs ?? 15_000),
    })
  } catch (error) {
    throw new Error(`error making http request: ${(error as Error).message}`)
  }
  const text = await response.text()
  const answer = { status: response.status, body: text }
  if (response.status >= 400) {
    throw new BridgeFailure(
      `got error from ${url}: (status code ${response.status}) ${adapterError(text)}`,
      answer,
    )
  }
  const status = adapterStatus(text) ?? response.status
  if (status !== 200) {
    throw new BridgeFailure(`bridge answered status ${status}: ${adapterError(text)}`, answer)
  }
  // The node keeps the answer as text.
  return text
}

function runJsonParse(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, 0, 1, 0)
  const separator = task.attributes.separator || ','
  const pathValue = resolve('path', [varExpr(task.attributes.path, vars), () => task.attributes.path ?? ''])
  let path: string[]
  if (Array.isArray(pathValue) && pathValue.every((p) => typeof p === 'string')) path = pathValue as string[]
  else if (typeof pathValue === 'string') path = pathValue === '' ? [] : pathValue.split(separator)
  else throw new Error('path: bad input for task')
  const data = required('data', resolve('data', [varExpr(task.attributes.data, vars), input(inputs, 0)]))
  if (typeof data !== 'string') throw new Error(`data: expected array of bytes, got ${describe(data)}`)
  let decoded: PipelineValue
  try {
    decoded = decodeGoJson(data)
  } catch (error) {
    throw new Error(`data is not JSON: ${(error as Error).message}`)
  }
  const notFound = () => new Error(`could not resolve path ["${path.join('","')}"] in ${data.slice(0, 300)}`)
  for (const part of path) {
    if (Array.isArray(decoded)) {
      if (!/^[+-]?\d+$/.test(part))
        throw new Error(`JSONParse task error: ${part} is not a valid array index`)
      let index = Number(part)
      if (index < 0) index += decoded.length
      if (index < 0 || index >= decoded.length) throw notFound()
      decoded = decoded[index]
    } else if (isObject(decoded)) {
      if (!Object.hasOwn(decoded, part)) throw notFound()
      decoded = decoded[part]
    } else {
      throw notFound()
    }
  }
  return decoded
}

function decimalParam(name: string, value: PipelineValue | TaskError | typeof EMPTY): Decimal {
  return toDecimal(required(name, value), name)
}

function runMultiply(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, 0, 1, 0)
  const { input: inputAttribute, times: timesAttribute } = task.attributes
  const a = decimalParam(
    'input',
    resolve('input', [varExpr(inputAttribute, vars), nonemptyString(inputAttribute), input(inputs, 0)]),
  )
  const b = decimalParam(
    'times',
    resolve('times', [varExpr(timesAttribute, vars), nonemptyString(timesAttribute)]),
  )
  return new Decimal(times(a.amount, b.amount))
}

function runDivide(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, -1, -1, 0)
  const { input: inputAttribute, divisor, precision: precisionAttribute } = task.attributes
  const a = decimalParam(
    'input',
    resolve('input', [varExpr(inputAttribute, vars), nonemptyString(inputAttribute), input(inputs, 0)]),
  )
  const b = decimalParam('divisor', resolve('divisor', [varExpr(divisor, vars), nonemptyString(divisor)]))
  const precisionValue = resolve('precision', [
    varExpr(precisionAttribute, vars),
    nonemptyString(precisionAttribute),
  ])
  if (b.amount.units === 0n) throw new Error('divide by zero')
  if (precisionValue === EMPTY) return divRound(a, b, DIVISION_PRECISION)
  const precisionText = typeof precisionValue === 'bigint' ? precisionValue.toString() : precisionValue
  if (typeof precisionText !== 'string' || !/^[+-]?\d+$/.test(precisionText)) {
    throw new Error(`precision: expected signed integer, got ${describe(precisionValue as PipelineValue)}`)
  }
  const precision = Number(precisionText)
  if (Math.abs(precision) > 2 ** 31 - 1) throw new Error('precision: overflows int32')
  return divRound(a, b, precision)
}

/** The values a median or sum task aggregates, with how many of them are errors. */
function aggregated(task: Task, inputs: TaskResult[], vars: Vars): { values: Decimal[]; faults: number } {
  const allowedAttribute = (task.attributes.allowedFaults ?? '').trim()
  if (allowedAttribute !== '' && !/^\d+$/.test(allowedAttribute)) {
    throw new Error(`allowedFaults: expected unsigned integer, got ${allowedAttribute}`)
  }
  const raw = resolve('values', [
    varExpr(task.attributes.values, vars),
    jsonGetter(task.attributes.values, vars, true),
    () => inputs.map((i) => (i.error ? i.error : i.value)) as PipelineValue[],
  ])
  let list: (PipelineValue | TaskError)[]
  if (Array.isArray(raw)) list = raw
  else if (typeof raw === 'string' && Array.isArray(decodeGoJson(raw)))
    list = decodeGoJson(raw) as PipelineValue[]
  else
    throw new Error(`values: expected slice, got ${raw === EMPTY ? 'nil' : describe(raw as PipelineValue)}`)
  const allowed = allowedAttribute === '' ? list.length - 1 : Number(allowedAttribute)
  const faults = list.filter((v) => v instanceof TaskError).length
  if (faults > allowed) {
    throw new Error(`too many errors: number of faulty inputs ${faults} > number allowed faults ${allowed}`)
  }
  const good = list.filter((v): v is PipelineValue => !(v instanceof TaskError))
  if (good.length === 0) throw new Error('wrong number of task inputs: no values to aggregate')
  return { values: good.map((v, i) => toDecimal(v, `values[${i}]`)), faults }
}

function runMedian(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  const sorted = aggregated(task, inputs, vars).values.sort((a, b) => compare(a.amount, b.amount))
  const k = Math.floor(sorted.length / 2)
  if (sorted.length % 2 === 1) return sorted[k]
  return divRound(
    new Decimal(add(sorted[k - 1].amount, sorted[k].amount)),
    Decimal.parse('2'),
    DIVISION_PRECISION,
  )
}

function runSum(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  const { values } = aggregated(task, inputs, vars)
  return new Decimal(values.reduce((total, v) => add(total, v.amount), { units: 0n, decimals: 0 }))
}

function runMemo(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, 0, 1, 0)
  const value = required(
    'value',
    resolve('value', [jsonGetter(task.attributes.value, vars, false), input(inputs, 0)]),
  )
  // An ObjectParam: numbers become decimals.
  return typeof value === 'number' || typeof value === 'bigint' ? toDecimal(value, 'value') : value
}

async function runTask(task: Task, inputs: TaskResult[], options: RunOptions): Promise<PipelineValue> {
  switch (task.type) {
    case 'bridge':
      return runBridge(task, inputs, options)
    case 'jsonparse':
      return runJsonParse(task, inputs, options.vars)
    case 'multiply':
      return runMultiply(task, inputs, options.vars)
    case 'divide':
      return runDivide(task, inputs, options.vars)
    case 'median':
      return runMedian(task, inputs, options.vars)
    case 'sum':
      return runSum(task, inputs, options.vars)
    case 'memo':
      return runMemo(task, inputs, options.vars)
  }
}

/** Runs every task once, each after its inputs, and returns every task's result. */
export async function runPipeline(pipeline: Pipeline, options: RunOptions): Promise<RunResult> {
  const vars: Vars = { ...options.vars }
  const results = new Map<string, TaskResult>()
  for (const task of pipeline.tasks) {
    const inputs = task.inputs.map((id) => results.get(id)!)
    let result: TaskResult
    try {
      result = { value: await runTask(task, inputs, { ...options, vars }) }
    } catch (error) {
      const answer = error instanceof BridgeFailure ? error.answer : undefined
      result = { error: new TaskError(task.id, (error as Error).message, answer) }
    }
    results.set(task.id, result)
    vars[task.id] = result.error ?? result.value
  }
  return { results, terminals: pipeline.terminals.map((t) => results.get(t.id)!) }
}

/** An OCR observation that could not be made: the failing tasks, in run order. */
export class ObservationError extends Error {
  override name = 'ObservationError'
  constructor(
    message: string,
    /** Every task that failed in the run, the root cause first. */
    readonly failures: TaskError[],
  ) {
    super(message)
  }
}

/**
 * What the node observes from a finished run of an OCR2 median pipeline (an `observationSource`
 * or a `juelsPerFeeCoinSource`): its single result as an integer. Throws an
 * {@link ObservationError} when the run failed, as the node then makes no observation.
 */
export function observation(pipeline: Pipeline, run: RunResult): bigint {
  if (pipeline.terminals.length !== 1) {
    throw new PipelineSpecError(
      `an OCR2 median pipeline must end in exactly one task, not ${pipeline.terminals.length} (${pipeline.terminals.map((t) => t.id).join(', ')})`,
    )
  }
  const failures = [...run.results.values()].flatMap((r) => (r.error ? [r.error] : []))
  const [result] = run.terminals
  if (result.error) throw new ObservationError(`no observation: ${failures[0].message}`, failures)
  try {
    return truncateToInteger(toDecimal(result.value, 'cannot convert observation to decimal'))
  } catch (error) {
    const failure = new TaskError(pipeline.terminals[0].id, (error as Error).message)
    throw new ObservationError(`no observation: ${failure.message}`, [failure])
  }
}

/** Runs an OCR2 median pipeline and returns its {@link observation}. */
export async function observe(pipeline: Pipeline, options: RunOptions): Promise<bigint> {
  if (pipeline.terminals.length !== 1) return observation(pipeline, { results: new Map(), terminals: [] })
  return observation(pipeline, await runPipeline(pipeline, options))
}
