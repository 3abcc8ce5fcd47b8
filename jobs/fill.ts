/**
 * `npm run jobs -- fill <adapter>`: a bridge and a job filled in from the templates of
 * jobs/<adapter>/, every placeholder given once and checked (jobs/placeholders.ts), the result
 * read back as the node reads it, and only then written, each file whole or not at all.
 *
 * Lists: a numbered placeholder (`<CUSTODIAN_BTC_ADDRESS_1>`, `_2`, …) stands for one entry of a
 * list each, and any number from `_1` up may be given: each value becomes one entry, a copy of
 * the first. A placeholder that is a whole list entry by itself (`["<P2P_BOOTSTRAPPER>"]`) may be
 * given several times, one entry each.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, isAbsolute, join, relative } from 'node:path'
import { CliError } from '#devkit/cli'
import { jsonWithVarExprs, ocr2Vars, TaskError } from '#devkit/pipeline'
import { checkValue, numbered, ruleFor } from './placeholders'
import {
  JOBS_DIR,
  bridgesOf,
  fillPlaceholders,
  jobFolder,
  jobFolderNames,
  PLACEHOLDER,
  nodeChainId,
  parseJobSpec,
  placeholdersIn,
  type BridgeDefinition,
} from './templates'

export interface FillRequest {
  /** The folder of jobs/ to fill in. */
  adapter: string
  /** The `--set NAME=value` arguments, in order. */
  set: string[]
  /** The folder to write to. */
  out: string
  /** Which of the folder's job specs to fill (default `job.toml`); written under the same name. */
  job?: string
  /** Write the bridge only (a bridge a job of another folder uses). */
  bridgeOnly?: boolean
  /** The job's name (unique on a node), instead of the template's. */
  name?: string
  /** `[relayConfig] chainID`, instead of the template's 1. */
  chainId?: string
  /** Replace files already in `out`. */
  force?: boolean
}

export interface FilledJob {
  name: string
  chainId: string
  feedDecimals: number | undefined
  /** The bridges its pipelines call: each must exist on the node before the job is created. */
  bridges: string[]
}

export interface FillResult {
  adapter: string
  /** The files written, bridge first. */
  files: string[]
  /** The values written, by placeholder (a list's values in order). */
  values: Record<string, string[]>
  bridge: BridgeDefinition
  job?: FilledJob
}

const usage = (message: string) => new CliError(message, 'usage')

/** One usage error naming every problem found: nothing is written. */
function refused(problems: string[]): CliError {
  return usage(
    problems.length === 1
      ? `${problems[0]}: nothing written`
      : `nothing written:\n${problems.map((p) => `  ${p}`).join('\n')}`,
  )
}

/** The `--set` arguments by placeholder name, each name's values in the order given. */
function parseSets(set: string[]): Map<string, string[]> {
  const values = new Map<string, string[]>()
  for (const entry of set) {
    const at = entry.indexOf('=')
    const name = (at < 0 ? entry : entry.slice(0, at)).replace(/^<(.*)>$/, '$1')
    if (at < 0 || !/^[A-Z][A-Z0-9_]*$/.test(name)) {
      throw usage(
        `--set takes NAME=value, NAME a placeholder in capitals (OCR2_KEY_BUNDLE_ID=…), got ${JSON.stringify(entry)}`,
      )
    }
    values.set(name, [...(values.get(name) ?? []), entry.slice(at + 1)])
  }
  return values
}

/**
 * The placeholders of the templates matched with the values given: every placeholder given,
 * every value a placeholder's, once unless it is a list entry, a list's numbers from 1 without a
 * gap. What is wrong goes to `problems`.
 */
function matchValues(
  adapter: string,
  templates: string[],
  given: Map<string, string[]>,
  problems: string[],
): { singles: Map<string, string>; lists: Map<string, string[]> } {
  const names = placeholdersIn(templates.join('\n')).map((p) => p.slice(1, -1))
  // A list is named by a template placeholder numbered 1; its members are every numbered name of it.
  const listNames = names.filter((n) => numbered(n)?.index === 1).map((n) => numbered(n)!.list)
  const listOf = (name: string) => {
    const n = numbered(name)
    return n && listNames.includes(n.list) ? n.list : undefined
  }
  const singles = new Map<string, string>()
  const lists = new Map<string, string[]>()
  const missing = names.filter((n) => !given.has(n) && (listOf(n) === undefined || numbered(n)!.index === 1))
  for (const name of missing) problems.push(`missing --set ${name}=… (${ruleFor(name).what})`)
  for (const [name, values] of given) {
    const list = listOf(name)
    if (!names.includes(name) && list === undefined) {
      problems.push(`unknown placeholder ${name}: jobs/${adapter}'s templates hold ${names.join(', ')}`)
    } else if (list !== undefined) {
      if (values.length > 1)
        problems.push(`${name} is given ${values.length} times: number each entry (${list}_1, ${list}_2, …)`)
    } else if (values.length > 1) {
      const entries = templates.every((text) => {
        const at = text.indexOf(`<${name}>`)
        return at < 0 || entryAround(text, at, name.length + 2) !== undefined
      })
      if (entries) lists.set(name, values)
      else
        problems.push(
          `${name} is given ${values.length} times, but it is not an entry of a list: give it once`,
        )
    } else {
      singles.set(name, values[0])
    }
  }
  for (const list of listNames) {
    const members = [...given.keys()]
      .filter((n) => listOf(n) === list)
      .sort((a, b) => numbered(a)!.index - numbered(b)!.index)
    const gap = members.findIndex((n, i) => numbered(n)!.index !== i + 1)
    if (gap >= 0 && members.length > 0) {
      problems.push(
        `${list}_${gap + 1} is missing: ${list} entries are numbered from 1 without a gap (given ${members.join(', ')})`,
      )
    }
    lists.set(
      list,
      members.map((n) => given.get(n)![0]),
    )
  }
  return { singles, lists }
}

/** Each value checked by its placeholder's rule, and made the value to write; a list's values each once. */
function checkValues(
  singles: Map<string, string>,
  lists: Map<string, string[]>,
  listNamed: (list: string, i: number) => string,
  problems: string[],
): void {
  const check = (name: string, value: string) => {
    try {
      return checkValue(name, value)
    } catch (error) {
      problems.push((error as Error).message)
      return value
    }
  }
  for (const [name, value] of singles) singles.set(name, check(name, value))
  for (const [list, values] of lists) {
    const checked = values.map((value, i) => check(listNamed(list, i), value))
    const twice = checked.find((value, i) => checked.indexOf(value) !== i)
    if (twice !== undefined) {
      problems.push(
        `${list}: ${twice} is given twice (each entry counts: a value twice would be counted twice)`,
      )
    }
    lists.set(list, checked)
  }
}

/** Where the list entry holding position `at` starts and ends: a `{…}` object or a quoted string in a `[…]` list. */
function entryAround(text: string, at: number, length: number): { start: number; end: number } | undefined {
  let depth = 0
  let opener = -1
  for (let i = at - 1; i >= 0; i--) {
    const c = text[i]
    if (c === '}' || c === ']') depth++
    else if (c === '{' || c === '[') {
      if (depth === 0) {
        opener = i
        break
      }
      depth--
    }
  }
  let span: { start: number; end: number }
  if (opener < 0) return undefined
  if (text[opener] === '[') {
    // A quoted string, its quotes escaped as deep as it is nested (`\\"…\\"` in JSON in DOT in TOML).
    const quote = /(\\*")$/.exec(text.slice(opener + 1, at))?.[1]
    if (quote === undefined || !text.startsWith(quote, at + length)) return undefined
    span = { start: at - quote.length, end: at + length + quote.length }
  } else {
    depth = 0
    let close = -1
    for (let i = opener; i < text.length && close < 0; i++) {
      if (text[i] === '{') depth++
      else if (text[i] === '}' && --depth === 0) close = i
    }
    if (close < 0) return undefined
    span = { start: opener, end: close + 1 }
  }
  // An entry of a list: `[` or `,` before it, `,` or `]` after it.
  const before = text.slice(0, span.start).trimEnd().at(-1)
  const after = text.slice(span.end).trimStart()[0]
  return (before === '[' || before === ',') && (after === ',' || after === ']') ? span : undefined
}

/**
 * `text` with the entries of a list (`tokens`: the template's placeholders for its entries, in
 * order) replaced by one entry per value, each a copy of the first entry. Throws when the
 * template's entries are not consecutive copies of one entry.
 */
function expandList(text: string, tokens: string[], values: string[], where: string): string {
  const spans = tokens.map((token) => {
    const at = text.indexOf(token)
    const span = at >= 0 && text.indexOf(token, at + 1) < 0 ? entryAround(text, at, token.length) : undefined
    if (!span) throw new Error(`${where}: ${token} is not one entry of a list, once`)
    return { ...span, token }
  })
  const first = spans[0]
  const entry = text.slice(first.start, first.end)
  let separator = ', '
  for (let i = 1; i < spans.length; i++) {
    const between = text.slice(spans[i - 1].end, spans[i].start)
    const same = text.slice(spans[i].start, spans[i].end).replace(spans[i].token, first.token) === entry
    if (!/^,\s*$/.test(between) || !same) {
      throw new Error(`${where}: ${spans[i].token}'s entry is not a copy of ${first.token}'s right after it`)
    }
    separator = between
  }
  const entries = values.map((value) => entry.replace(first.token, value))
  return text.slice(0, first.start) + entries.join(separator) + text.slice(spans.at(-1)!.end)
}

/**
 * A template with its lists expanded and every placeholder replaced. The lists are expanded with
 * one marker per entry, and every value written last, so that no value is ever read as template.
 */
function fillTemplate(
  text: string,
  where: string,
  singles: Map<string, string>,
  lists: Map<string, string[]>,
): string {
  let filled = text
  const values = new Map([...singles].map(([name, value]) => [`<${name}>`, value]))
  for (const [list, entries] of lists) {
    const tokens = placeholdersIn(filled)
      .filter((p) => p === `<${list}>` || numbered(p.slice(1, -1))?.list === list)
      .sort((a, b) => (numbered(a.slice(1, -1))?.index ?? 0) - (numbered(b.slice(1, -1))?.index ?? 0))
    const markers = entries.map((value, i) => {
      values.set(`<${list}__${i + 1}>`, value)
      return `<${list}__${i + 1}>`
    })
    if (tokens.length > 0) filled = expandList(filled, tokens, markers, where)
  }
  return fillPlaceholders(filled, Object.fromEntries(values))
}

/**
 * A TOML template's comments with their placeholders named without angle brackets: a comment
 * names a placeholder to explain it (`such as contractID's <OCR2_AGGREGATOR_ADDRESS>`), and the
 * value is written where the placeholder stood, not in the explanation. Lines inside a multi-line
 * string (a pipeline) are not comments.
 */
function unbracketComments(toml: string): string {
  let inString = false
  return toml
    .split('\n')
    .map((line) => {
      const comment = !inString && line.trimStart().startsWith('#')
      if (line.split('"""').length % 2 === 0) inString = !inString
      return comment ? line.replace(PLACEHOLDER, '$1') : line
    })
    .join('\n')
}

/** A job name as the node stores it, written in a TOML basic string. */
function checkJobName(name: string): string {
  if (name.trim() === '' || name.length > 256 || /["\\\p{Cc}]/u.test(name)) {
    throw usage(
      `--name must be 1 to 256 characters, without quotes, backslashes or control characters, got ${JSON.stringify(name)}`,
    )
  }
  return name
}

/** A chain id as `[relayConfig] chainID` takes it (a base-10 int64), written as an integer. */
function checkChainId(chainId: string): string {
  if (!/^[1-9]\d*$/.test(chainId) || nodeChainId(chainId) === undefined) {
    throw usage(
      `--chain-id must be a chain id (a positive integer, at most 2^63 - 1), got ${JSON.stringify(chainId)}`,
    )
  }
  return chainId
}

/** `text` with its first line matching `line` (after `after`, when given) replaced; throws when there is none. */
function replaceLine(text: string, line: RegExp, replacement: string, after = 0): string {
  const match = line.exec(text.slice(after))
  if (!match) throw new Error(`the template has no line ${line.source}`)
  const at = after + match.index
  return text.slice(0, at) + replacement + text.slice(at + match[0].length)
}

/**
 * Reads the filled job back as the node reads it and checks what the fill must have made: no
 * placeholder, a chain id the node takes, every bridge request JSON. Throws when the fill made
 * something the node would refuse.
 */
function readBack(text: string, path: string): FilledJob {
  const job = parseJobSpec(text, path)
  const chainId = nodeChainId((job.spec.relayConfig as { chainID?: unknown } | undefined)?.chainID)
  if (chainId === undefined) throw new Error(`${path}: [relayConfig] chainID is not one the node takes`)
  const vars = ocr2Vars({ externalJobID: '00000000-0000-4000-8000-000000000000' })
  for (const pipeline of [job.observationSource, job.juelsPerFeeCoinSource]) {
    for (const task of pipeline.tasks.filter((t) => t.type === 'bridge')) {
      // The variables it reads are results of tasks upstream: stand-ins are enough to read the JSON.
      const stand = { ...vars, ...Object.fromEntries(pipeline.tasks.map((t) => [t.id, 'x'])) }
      let data
      try {
        data = jsonWithVarExprs(task.attributes.requestData ?? '', stand, false)
      } catch (error) {
        throw new Error(`${path}: task ${task.id}'s requestData: ${(error as Error).message}`)
      }
      if (data instanceof TaskError || typeof data !== 'object' || data === null || Array.isArray(data)) {
        throw new Error(`${path}: task ${task.id}'s requestData is not a JSON object`)
      }
    }
  }
  return {
    name: String(job.spec.name ?? ''),
    chainId,
    feedDecimals: job.feedDecimals,
    bridges: [...new Set([...bridgesOf(job.observationSource), ...bridgesOf(job.juelsPerFeeCoinSource)])],
  }
}

/** Writes each file whole or not at all: every file to a temporary name first, then each renamed into place. */
function writeAll(files: { path: string; text: string }[]): void {
  const temporary = files.map((f) => ({ ...f, temporary: `${f.path}.${process.pid}.partial` }))
  try {
    for (const f of temporary) writeFileSync(f.temporary, f.text, { flag: 'wx' })
    for (const f of temporary) renameSync(f.temporary, f.path)
  } finally {
    for (const f of temporary) rmSync(f.temporary, { force: true })
  }
}

/** Fills in jobs/<adapter>/'s bridge (and job) and writes them to `out`. */
export function fill(request: FillRequest): FillResult {
  const { adapter } = request
  if (!jobFolderNames().includes(adapter)) {
    throw usage(
      `no templates for ${JSON.stringify(adapter)} in jobs/: there are ${jobFolderNames().join(', ')}`,
    )
  }
  const inside = relative(JOBS_DIR, request.out)
  if (!inside.startsWith('..') && !isAbsolute(inside)) {
    throw usage(
      `--out ${request.out} is inside jobs/: write the filled files elsewhere, the templates stay as they are`,
    )
  }
  const folder = join(JOBS_DIR, adapter)
  const jobFile = request.job ?? 'job.toml'
  const jobFiles = jobFolder(adapter).jobs.map((job) => basename(job.path))
  if (!request.bridgeOnly && !jobFiles.includes(jobFile)) {
    throw usage(`--job ${jobFile}: jobs/${adapter} has ${jobFiles.join(', ') || 'no job spec'}`)
  }
  const bridgeTemplate = readFileSync(join(folder, 'bridge.json'), 'utf8')
  const jobTemplate = request.bridgeOnly ? undefined : readFileSync(join(folder, jobFile), 'utf8')
  if (
    request.bridgeOnly &&
    (request.name !== undefined || request.chainId !== undefined || request.job !== undefined)
  ) {
    throw usage("--name, --chain-id and --job are the job's: not with --bridge-only")
  }
  const name = request.name === undefined ? undefined : checkJobName(request.name)
  const chainId = request.chainId === undefined ? undefined : checkChainId(request.chainId)

  const templates = [bridgeTemplate, ...(jobTemplate === undefined ? [] : [jobTemplate])]
  const problems: string[] = []
  const { singles, lists } = matchValues(adapter, templates, parseSets(request.set), problems)
  const templateNames = placeholdersIn(templates.join('\n'))
  checkValues(
    singles,
    lists,
    (list, i) => (templateNames.includes(`<${list}>`) ? list : `${list}_${i + 1}`),
    problems,
  )
  if (problems.length > 0) throw refused(problems)

  const outputs: { path: string; text: string }[] = []
  const bridgeText = fillTemplate(bridgeTemplate, `jobs/${adapter}/bridge.json`, singles, lists)
  const bridge = JSON.parse(bridgeText) as BridgeDefinition
  outputs.push({ path: join(request.out, 'bridge.json'), text: bridgeText })
  let job: FilledJob | undefined
  if (jobTemplate !== undefined) {
    const option = jobFile === 'job.toml' ? '' : ` --job ${jobFile}`
    const header = `# Filled in by \`npm run jobs -- fill ${adapter}${option}\` from jobs/${adapter}/${jobFile}: the placeholders\n# its comments name hold your values.\n#\n`
    let jobText =
      header + fillTemplate(unbracketComments(jobTemplate), `jobs/${adapter}/${jobFile}`, singles, lists)
    if (name !== undefined) jobText = replaceLine(jobText, /^name = ".*"$/m, `name = ${JSON.stringify(name)}`)
    if (chainId !== undefined) {
      const relay = jobText.indexOf('\n[relayConfig]\n')
      jobText = replaceLine(
        jobText,
        /^chainID = .*$/m,
        `chainID = ${chainId}`,
        relay < 0 ? jobText.length : relay,
      )
    }
    const path = join(request.out, jobFile)
    job = readBack(jobText, path)
    if (name !== undefined && job.name !== name)
      throw new Error(`${path}: the job's name did not become ${name}`)
    outputs.push({ path, text: jobText })
  }
  for (const { path, text } of outputs) {
    const left = placeholdersIn(text)
    if (left.length > 0) throw new Error(`${path}: placeholders left after filling: ${left.join(', ')}`)
  }

  const existing = outputs.filter((f) => existsSync(f.path)).map((f) => f.path)
  if (existing.length > 0 && !request.force) {
    throw usage(`${existing.join(' and ')} already exist: nothing written (--force replaces them)`)
  }
  mkdirSync(request.out, { recursive: true })
  writeAll(outputs)

  const values: Record<string, string[]> = {}
  for (const [key, value] of singles) values[key] = [value]
  for (const [key, value] of lists) values[key] = value
  return { adapter, files: outputs.map((f) => f.path), values, bridge, job }
}
