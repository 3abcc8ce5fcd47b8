/**
 * A Chainlink node's job pipeline (a job spec's DOT `observationSource`), parsed and run the way
 * the node runs it, so that the job specs in jobs/ can be replayed against real adapter servers.
 * Every rule below comes from the node's own source (smartcontractkit/chainlink,
 * `core/services/pipeline`), cited where it is modelled:
 *
 * - DOT: the text is wrapped in `digraph { … }` and quoted attribute values are unquoted with
 *   Go's `strconv.Unquote` (gonum's DOT decoder); angle-bracketed values lose their brackets.
 * - Order: tasks are numbered in gonum's stabilized topological order, and a task's inputs are
 *   ordered by the `index` of the tasks they come from, then by that position, never by the
 *   order the edges are written. A negative, non-int32 or repeated positive `index` is refused.
 * - Values: `$(a.b)` reads a run variable (a task's result by its name, `jb.externalJobID`,
 *   `jobRun.meta`). `jsonparse` and JSON in a task attribute keep JSON integers exact (int64,
 *   uint64, big.Int) and read other numbers as float64; a uint64 (an integer in [2^63, 2^64))
 *   turns negative when it becomes a decimal. `memo` answers an object that only some
 *   parameters take, never the final answer. Arithmetic is exact decimal (shopspring
 *   `decimal`, division rounded half away from zero to 16 places unless told), and the OCR
 *   observation is the final value truncated to an integer (`decimal.BigInt()`).
 * - Bridges: the request data is posted with the run's `meta` added, as Go marshals it (keys
 *   sorted). The answer is cut at the node's `JobPipeline.HTTPRequest.MaxSize` (32,768 bytes by
 *   default), silently. A bridge fails on an HTTP status ≥ 400, on a body `statusCode` (or
 *   `providerStatusCode`) other than 200, on a body `error` beside its `statusCode`, and on any
 *   status but 200 when the body has no `statusCode`.
 *
 * Only the task types our job specs use are modelled (bridge, jsonparse, multiply, divide,
 * median, sum, memo), and it is stricter than the node where the node is silently lenient: an
 * attribute it does not know, a variable naming a task that is not upstream of it, a node
 * defined twice or DOT it does not model (subgraphs, default attribute statements) are refused
 * when the pipeline is parsed.
 */
import { parse } from 'ts-graphviz/ast'
import type { AttributeASTNode, LiteralASTNode } from 'ts-graphviz/ast'
import { add, compare, formatUnits, parseDecimal, rescale, times, type ScaledAmount } from '#common/decimal'
import { JsonNumber, isJsonRecord, parseLosslessJson, type LosslessJson } from '#common/json'

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
 * A value in a pipeline run, typed as the node's Go value would be: `number` is a float64 (a
 * JSON number with a fraction or an exponent), `bigint` an integer (the node's JSON decoding,
 * chainlink-common jsonserializable getJSONNumberValue, makes an int64, else a uint64, else a
 * *big.Int: so a bigint in [2^63, 2^64) stands for a uint64), {@link Decimal} a
 * `decimal.Decimal`, {@link MemoObject} the `ObjectParam` a memo task answers.
 */
export type PipelineValue =
  | null
  | boolean
  | string
  | number
  | bigint
  | Decimal
  | MemoObject
  | PipelineValue[]
  | { [key: string]: PipelineValue }

/** The kinds of value an `ObjectParam` holds (task_object_params.go). */
export type MemoKind = 'nil' | 'bool' | 'decimal' | 'string' | 'slice' | 'map'

/**
 * What a memo task answers: the node's `ObjectParam` (task_object_params.go), a value tagged
 * with its kind, not the value itself. A decimal parameter takes it when it holds a number, a
 * string parameter when it holds a string, a map parameter when it holds a map; a list
 * parameter (a median's `values`) never does, nor does the OCR observation
 * (`utils.ToDecimal` knows no ObjectParam).
 */
export class MemoObject {
  constructor(
    readonly kind: MemoKind,
    /** The value held: a {@link Decimal} for 'decimal', null for 'nil'. */
    readonly value: PipelineValue,
  ) {}
}

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
  /** Its `index` attribute (the order of its result among its output's inputs), −1 when not given. */
  index: number
  /**
   * Tasks with an edge into this one, in the order the node hands their results to it: by
   * their `index`, then by their position in {@link Pipeline.tasks}.
   */
  inputs: string[]
  /** Tasks this one has an edge into. */
  outputs: string[]
}

export interface Pipeline {
  /** The tasks in the node's order (gonum's stabilized topological sort): every task after its inputs. */
  tasks: Task[]
  /** The tasks without outputs, by `index` then position: their results are the run's results. */
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

/** Go's `underscoreOK` (strconv): `_` only between digits, or after a base prefix. */
function goUnderscoresOk(text: string): boolean {
  let s = text.replace(/^[+-]/, '')
  let saw = '^'
  const prefixed = /^0[bBoOxX]/.test(s)
  const hex = /^0[xX]/.test(s)
  if (prefixed) {
    saw = '0'
    s = s.slice(2)
  }
  for (const c of s) {
    if (/[0-9]/.test(c) || (hex && /[a-fA-F]/.test(c))) saw = '0'
    else if (c === '_') {
      if (saw !== '0') return false
      saw = '_'
    } else {
      if (saw === '_') return false
      saw = '!'
    }
  }
  return saw !== '_'
}

/**
 * Go's `strconv.ParseInt(text, base, bits)` (or `ParseUint` when `signed` is false) for base 10
 * or base 0, in which a `0x`, `0o`, `0b` or bare `0` prefix picks the base and `_` may separate
 * digits. Undefined where Go returns an error: the text is not trimmed, nor is a sign allowed
 * twice, nor a value outside the type's range.
 */
export function goParseInt(text: string, base: 0 | 10, bits: 32 | 64, signed = true): bigint | undefined {
  let s = text
  let negative = false
  if (signed && /^[+-]/.test(s)) {
    negative = s.startsWith('-')
    s = s.slice(1)
  }
  if (s === '') return undefined
  let radix = 10
  if (base === 0 && s.startsWith('0')) {
    const prefix = s[1]?.toLowerCase()
    if (s.length >= 3 && (prefix === 'b' || prefix === 'o' || prefix === 'x')) {
      radix = prefix === 'b' ? 2 : prefix === 'o' ? 8 : 16
      s = s.slice(2)
    } else {
      radix = 8
      s = s.slice(1)
    }
  }
  let value = 0n
  for (const c of s) {
    if (c === '_' && base === 0) continue
    const digit = Number.parseInt(c, 16)
    if (!/[0-9a-fA-F]/.test(c) || digit >= radix) return undefined
    value = value * BigInt(radix) + BigInt(digit)
  }
  if (s.includes('_') && !goUnderscoresOk(text)) return undefined
  if (negative) value = -value
  const [min, max] = signed
    ? [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n]
    : [0n, 2n ** BigInt(bits) - 1n]
  return value < min || value > max ? undefined : value
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
    const index = outputIndex(id, attributes.index)
    tasks.set(id, { id, type: type as TaskType, attributes, index, inputs: [], outputs: [] })
  }
  // gonum's simple graph holds one edge per pair of tasks, and none from a task to itself.
  const successors = new Map(order.map((id) => [id, new Set<string>()]))
  for (const [from, to] of edges) {
    if (from === to) throw new PipelineSpecError(`task ${from} has an edge to itself`)
    successors.get(from)!.add(to)
  }
  for (const [from, outputs] of successors) {
    for (const to of outputs) {
      tasks.get(from)!.outputs.push(to)
      tasks.get(to)!.inputs.push(from)
    }
  }
  // graph.go AddImplicitDependenciesAsEdges: a task reading $(other) gets an edge from it too.
  // That edge orders the tasks but does not pass other's result in as an input.
  for (const task of tasks.values()) {
    for (const name of taskVariables(task)) {
      if (name !== task.id && tasks.has(name)) successors.get(name)!.add(task.id)
    }
  }
  const sorted = stabilizedTopologicalOrder(order, successors).map((id) => tasks.get(id)!)

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

  // graph.go Parse: a positive index may be given once only (0 may repeat).
  const seenIndexes = new Set<number>()
  for (const task of sorted) {
    if (task.index <= 0) continue
    if (seenIndexes.has(task.index)) {
      throw new PipelineSpecError(`task ${task.id}: duplicate sorting indexes detected (index ${task.index})`)
    }
    seenIndexes.add(task.index)
  }
  // graph.go Parse sorts a task's inputs by position; scheduler.go newMemoryTaskRun then sorts
  // them by index with Go's sort.Slice, an insertion sort (stable) for up to 12 of them, so an
  // unset index (−1) comes before 0. Among more than 12 equal indexes Go's order is not
  // defined: a divide, which reads its first input, is refused then.
  const position = new Map(sorted.map((task, i) => [task.id, i]))
  const byIndexThenPosition = (a: string, b: string) =>
    tasks.get(a)!.index - tasks.get(b)!.index || position.get(a)! - position.get(b)!
  for (const task of sorted) {
    task.inputs.sort(byIndexThenPosition)
    const indexes = task.inputs.map((id) => tasks.get(id)!.index)
    if (task.type === 'divide' && indexes.length > 12 && new Set(indexes).size < indexes.length) {
      throw new PipelineSpecError(
        `task ${task.id}: more than 12 inputs sharing an index; the node's order of them is not defined`,
      )
    }
  }
  const terminals = sorted
    .filter((t) => t.outputs.length === 0)
    .sort((a, b) => byIndexThenPosition(a.id, b.id))
  return { tasks: sorted, terminals }
}

/** The tasks (and other variables: `jb`, `jobRun`) a task's attributes read, by first key. */
function taskVariables(task: Task): Set<string> {
  return new Set(
    Object.values(task.attributes).flatMap((value) => variablesIn(value).map((v) => v.split('.')[0])),
  )
}

/**
 * gonum's `topo.SortStabilized(g, nil)` (graph/topo/tarjan.go), which graph.go Parse numbers the
 * tasks with: Tarjan's depth-first search started from each task in reverse order of gonum's
 * node IDs (the order tasks first appear in the DOT text), visiting successors in reverse ID
 * order too; each task is placed after everything it leads to, and the list reversed. A cycle
 * is refused.
 */
function stabilizedTopologicalOrder(ids: string[], successors: Map<string, Set<string>>): string[] {
  const gonumId = new Map(ids.map((id, i) => [id, i]))
  const descending = (list: Iterable<string>) => [...list].sort((a, b) => gonumId.get(b)! - gonumId.get(a)!)
  const finished: string[] = []
  const onPath = new Set<string>()
  const visited = new Set<string>()
  const visit = (id: string) => {
    visited.add(id)
    onPath.add(id)
    for (const next of descending(successors.get(id)!)) {
      if (onPath.has(next)) {
        throw new PipelineSpecError(`the tasks form a cycle: ${[...onPath, next].join(' -> ')}`)
      }
      if (!visited.has(next)) visit(next)
    }
    onPath.delete(id)
    finished.push(id)
  }
  for (const id of descending(ids)) if (!visited.has(id)) visit(id)
  return finished.reverse()
}

/**
 * A task's `index` as the node reads it (common.go UnmarshalTaskFromMap): mapstructure's weak
 * decoding, Go's `strconv.ParseInt(text, 0, 32)` of the text as written (an empty text is 0);
 * negative is refused; −1 when the attribute is not given.
 */
function outputIndex(taskId: string, text: string | undefined): number {
  if (text === undefined) return -1
  const index = goParseInt(text === '' ? '0' : text, 0, 32)
  if (index === undefined) {
    throw new PipelineSpecError(`task ${taskId}: cannot parse 'index' as int: ${JSON.stringify(text)}`)
  }
  if (index < 0n) throw new PipelineSpecError(`task ${taskId}: result sorting indexes should start with 0`)
  return Number(index)
}

// ---------------------------------------------------------------------------------------------
// Values

const isObject = (value: unknown): value is { [key: string]: PipelineValue } =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  !(value instanceof Decimal) &&
  !(value instanceof MemoObject) &&
  !(value instanceof TaskError)

/** JSON as `json.Unmarshal` decodes it into `interface{}`: every number a float64. */
function decodeGoJson(text: string): PipelineValue {
  return JSON.parse(text) as PipelineValue
}

/**
 * JSON decoded with `UseNumber`, then chainlink-common's `jsonserializable.ReinterpretJSONNumbers`
 * (getJSONNumberValue), as `jsonparse` and JSON in a task attribute are read: an integer stays
 * exact (int64, uint64 or *big.Int: a bigint here), any other number becomes a float64, and one
 * beyond float64's range is an error.
 */
function fromLosslessJson(value: LosslessJson): PipelineValue {
  if (value instanceof JsonNumber) {
    if (/^-?\d+$/.test(value.text)) return BigInt(value.text)
    const float = Number(value.text)
    if (!Number.isFinite(float)) {
      throw new Error(
        `failed to parse json.Value: strconv.ParseFloat: parsing "${value.text}": value out of range`,
      )
    }
    return float
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
  // ObjectParam.MarshalJSON: the value held.
  if (value instanceof MemoObject) return goJson(value.value)
  if (Array.isArray(value)) return `[${value.map(goJson).join(',')}]`
  const keys = Object.keys(value).sort()
  return `{${keys.map((key) => `${goJson(key)}:${goJson(value[key])}`).join(',')}}`
}

/** 2^63 and 2^64: a Go uint64 is an integer in [2^63, 2^64) that an int64 cannot hold. */
const INT64_END = 2n ** 63n
const UINT64_END = 2n ** 64n

/**
 * `utils.ToDecimal` (core/utils/decimal.go): a number in any of the forms a task may hold it. A
 * uint64 becomes `decimal.New(int64(v), 0)`: from 2^63 up it turns negative.
 */
export function toDecimal(value: PipelineValue | undefined, what: string): Decimal {
  if (value instanceof Decimal) return value
  if (typeof value === 'bigint') {
    const isUint64 = value >= INT64_END && value < UINT64_END
    return new Decimal({ units: isUint64 ? BigInt.asIntN(64, value) : value, decimals: 0 })
  }
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

/**
 * `DecimalParam` (task_params.go): a memo's object holding a number, or whatever
 * {@link toDecimal} takes.
 */
function decimalOf(value: PipelineValue, what: string): Decimal {
  if (value instanceof MemoObject && value.kind === 'decimal') return value.value as Decimal
  return toDecimal(value, what)
}

function describe(value: PipelineValue | undefined): string {
  if (value === undefined || value === null) return 'nil'
  if (Array.isArray(value)) return 'array'
  if (value instanceof MemoObject) return 'pipeline.ObjectParam'
  if (value instanceof Decimal) return 'decimal.Decimal'
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
  /**
   * The node's `JobPipeline.HTTPRequest.MaxSize` in bytes: a bridge answer is cut there
   * ({@link DEFAULT_HTTP_MAX_SIZE} unless given; {@link nodeFileSize} reads the setting's text).
   */
  httpMaxSize?: number
}

/** The node's default `[JobPipeline.HTTPRequest] MaxSize`: 32,768 bytes (docs/CONFIG.md). */
export const DEFAULT_HTTP_MAX_SIZE = 32_768

/**
 * A node size setting such as `MaxSize = '1mb'` in bytes, as core/utils/files.go
 * `FileSize.UnmarshalText` reads it: a number (a fraction allowed) and an optional unit `b`,
 * `kb`, `mb`, `gb` or `tb` in powers of 1000, any case, the product truncated to whole bytes.
 */
export function nodeFileSize(text: string): number {
  const match = /^(\d+\.?\d*)(tb|gb|mb|kb|b)?$/.exec(text.trim().toLowerCase())
  if (!match) throw new Error(`bad filesize expression: "${text}"`)
  const unit = { tb: 1e12, gb: 1e9, mb: 1e6, kb: 1e3, b: 1 }[match[2] ?? 'b'] ?? 1
  return Math.trunc(Number(match[1]) * unit)
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

/** `MapParam`: a JSON object (given as a map, a memo's map or JSON text), or nothing. */
function toMap(name: string, value: PipelineValue | typeof EMPTY): { [key: string]: PipelineValue } | null {
  if (value === EMPTY || value === null) return null
  if (isObject(value)) return value
  if (value instanceof MemoObject && value.kind === 'map')
    return value.value as { [key: string]: PipelineValue }
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
  // core/utils/http/http.go SendRequest reads the body through http.MaxBytesReader and drops
  // its error: an answer longer than JobPipeline.HTTPRequest.MaxSize is cut there, silently.
  // (Nodes of 2023 and before failed the bridge task on it instead.)
  const bytes = new Uint8Array(await response.arrayBuffer())
  const text = new TextDecoder().decode(bytes.subarray(0, options.httpMaxSize ?? DEFAULT_HTTP_MAX_SIZE))
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

/**
 * The first JSON value in `text`, as Go's `json.Decoder.Decode` reads it: what follows that value
 * is never read. Throws where the decoder fails: no value, or one cut short.
 */
function firstJsonValue(text: string): string {
  const start = text.search(/[^ \t\r\n]/)
  if (start < 0) throw new Error('EOF')
  const stringEnd = (from: number) => {
    for (let i = from + 1; i < text.length; i++) {
      if (text[i] === '\\') i++
      else if (text[i] === '"') return i + 1
    }
    throw new Error('unexpected EOF')
  }
  const first = text[start]
  if (first === '"') return text.slice(start, stringEnd(start))
  if (first === '{' || first === '[') {
    let depth = 0
    for (let i = start; i < text.length; i++) {
      const c = text[i]
      if (c === '"') i = stringEnd(i) - 1
      else if (c === '{' || c === '[') depth++
      else if ((c === '}' || c === ']') && --depth === 0) return text.slice(start, i + 1)
    }
    throw new Error('unexpected EOF')
  }
  const rest = text.slice(start)
  const literal = /^(?:true|false|null)/.exec(rest)
  if (literal) return literal[0]
  // A number ends at the first byte that cannot go on with it; a byte that could (a `.` before
  // any fraction or exponent, an `e` before any exponent) and does not is an error.
  const number = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(rest)
  if (!number) throw new Error(`invalid character ${JSON.stringify(first)} looking for beginning of value`)
  const [value, fraction, exponent] = number
  const next = rest[value.length]
  if ((next === '.' && !fraction && !exponent) || ((next === 'e' || next === 'E') && !exponent)) {
    throw new Error(`invalid character in numeric literal`)
  }
  return value
}

/**
 * task.jsonparse.go: the data decoded with `UseNumber` (the first JSON value only), followed
 * along the path, and the value found reinterpreted: integers exact, other numbers float64.
 */
function runJsonParse(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, 0, 1, 0)
  const separator = task.attributes.separator || ','
  const pathValue = resolve('path', [varExpr(task.attributes.path, vars), () => task.attributes.path ?? ''])
  let path: string[]
  if (Array.isArray(pathValue) && pathValue.every((p) => typeof p === 'string')) path = pathValue as string[]
  else if (typeof pathValue === 'string') path = pathValue === '' ? [] : pathValue.split(separator)
  else throw new Error('path: bad input for task')
  const data = required('data', resolve('data', [varExpr(task.attributes.data, vars), input(inputs, 0)]))
  // BytesParam: text, or a memo's text.
  const text =
    typeof data === 'string' ? data : data instanceof MemoObject && data.kind === 'string' ? data.value : data
  if (typeof text !== 'string') throw new Error(`data: expected array of bytes, got ${describe(data)}`)
  let decoded: LosslessJson
  try {
    decoded = parseLosslessJson(firstJsonValue(text))
  } catch (error) {
    throw new Error(`data is not JSON: ${(error as Error).message}`)
  }
  const notFound = () => new Error(`could not resolve path ["${path.join('","')}"] in ${text.slice(0, 300)}`)
  for (const part of path) {
    if (Array.isArray(decoded)) {
      if (!/^[+-]?\d+$/.test(part))
        throw new Error(`JSONParse task error: ${part} is not a valid array index`)
      let index = Number(part)
      if (index < 0) index += decoded.length
      if (index < 0 || index >= decoded.length) throw notFound()
      decoded = decoded[index]
    } else if (isJsonRecord(decoded)) {
      if (!Object.hasOwn(decoded, part)) throw notFound()
      decoded = decoded[part]
    } else {
      throw notFound()
    }
  }
  return fromLosslessJson(decoded)
}

function decimalParam(name: string, value: PipelineValue | TaskError | typeof EMPTY): Decimal {
  return decimalOf(required(name, value), name)
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
  // task.divide.go: the precision is a variable, or the attribute as written (not trimmed).
  const precision = maybeInt32(
    'precision',
    resolve('precision', [varExpr(precisionAttribute, vars), () => precisionAttribute ?? '']),
  )
  if (b.amount.units === 0n) throw new Error('divide by zero')
  return divRound(a, b, precision ?? DIVISION_PRECISION)
}

const INT32_MAX = 2 ** 31 - 1
const INT32_MIN = -(2 ** 31)

/**
 * `MaybeInt32Param` (task_params.go): unset for blank text; other text read as written, by Go's
 * `strconv.ParseInt(text, 10, 32)` (a space around it is an error); a number must fit an int32
 * (a float64 is then truncated).
 */
function maybeInt32(name: string, resolved: PipelineValue | TaskError | typeof EMPTY): number | undefined {
  const value = required(name, resolved)
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined
    const parsed = goParseInt(value, 10, 32)
    if (parsed === undefined) {
      throw new Error(
        `${name}: strconv.ParseInt: parsing ${JSON.stringify(value)}: invalid syntax or out of range`,
      )
    }
    return Number(parsed)
  }
  const isInt64OrUint64 = typeof value === 'bigint' && value >= -INT64_END && value < UINT64_END
  if (isInt64OrUint64 || typeof value === 'number') {
    const n = Number(value)
    if (n > INT32_MAX || n < INT32_MIN) throw new Error(`${name}: overflows int32`)
    return Math.trunc(n)
  }
  throw new Error(`${name}: expected signed integer or nil, got ${describe(value)}`)
}

/**
 * A median or sum task's `allowedFaults` (task.median.go, task.sum.go): the attribute as written,
 * a `MaybeUint64Param` (blank text is unset; other text is read by Go's
 * `strconv.ParseUint(text, 10, 64)`, a space around it an error), then made an `int`, so that
 * from 2^63 up it turns negative and allows no input at all.
 */
function allowedFaults(text: string | undefined): number | undefined {
  if ((text ?? '').trim() === '') return undefined
  const parsed = goParseInt(text!, 10, 64, false)
  if (parsed === undefined) {
    throw new Error(
      `allowedFaults: strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax or out of range`,
    )
  }
  return Number(BigInt.asIntN(64, parsed))
}

/** The values a median or sum task aggregates, with how many of them are errors. */
function aggregated(task: Task, inputs: TaskResult[], vars: Vars): { values: Decimal[]; faults: number } {
  const allowedAttribute = allowedFaults(task.attributes.allowedFaults)
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
  const allowed = allowedAttribute ?? list.length - 1
  const faults = list.filter((v) => v instanceof TaskError).length
  if (faults > allowed) {
    throw new Error(`too many errors: number of faulty inputs ${faults} > number allowed faults ${allowed}`)
  }
  const good = list.filter((v): v is PipelineValue => !(v instanceof TaskError))
  if (good.length === 0) throw new Error('wrong number of task inputs: no values to aggregate')
  return { values: good.map((v, i) => decimalOf(v, `values[${i}]`)), faults }
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

/** task.memo.go: its value (JSON, or its one input) as an `ObjectParam`. */
function runMemo(task: Task, inputs: TaskResult[], vars: Vars): PipelineValue {
  checkInputs(inputs, 0, 1, 0)
  const value = required(
    'value',
    resolve('value', [jsonGetter(task.attributes.value, vars, false), input(inputs, 0)]),
  )
  return memoObject(value)
}

/** `ObjectParam.UnmarshalPipelineParam` (task_object_params.go): the value, tagged with its kind. */
function memoObject(value: PipelineValue): MemoObject {
  if (value === null) return new MemoObject('nil', null)
  if (typeof value === 'boolean') return new MemoObject('bool', value)
  if (typeof value === 'number' || typeof value === 'bigint' || value instanceof Decimal) {
    return new MemoObject('decimal', toDecimal(value, 'value'))
  }
  if (typeof value === 'string') return new MemoObject('string', value)
  if (Array.isArray(value)) return new MemoObject('slice', value)
  // A copy of another memo's object leaves its list behind (the ObjectParam case copies every
  // field but SliceValue), so a list becomes nil.
  if (value instanceof MemoObject)
    return new MemoObject(value.kind, value.kind === 'slice' ? null : value.value)
  return new MemoObject('map', value)
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
