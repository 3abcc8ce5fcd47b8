/**
 * The parts of the READMEs that restate code, generated from it: each adapter's settings table
 * (its AdapterConfig, and the framework defaults it changes) and input table (its endpoints'
 * InputParameters), the root README's scripts table (devkit/npm-scripts.ts), gas table
 * (bench/results/gas.json) and load tables (bench/results/load.json), the operator guide's EVM
 * freshness defaults (adapters/common/evm-chains.ts) and its table of alerts
 * (adapters/common/alerts.ts), and the Prometheus rules file docs/reserve-alerts.rules.yml,
 * generated whole.
 *
 * A generated part sits between two marker comments, `<!-- generated:<part> (npm run docs) -->`
 * and `<!-- /generated:<part> -->`; everything outside them is hand-written and left alone.
 * `npm run docs` rewrites the parts in place; `npm run docs -- --check` (part of `npm run lint`)
 * fails when a file differs from what would be written. Files are compared after Prettier, so a
 * generated part is written exactly as `prettier --check` wants it.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { format, resolveConfig } from 'prettier'
import type { Adapter } from '@chainlink/external-adapter-framework/adapter'
import { BaseSettingsDefinition, type SettingDefinition } from '@chainlink/external-adapter-framework/config'
import type { InputParameter } from '@chainlink/external-adapter-framework/validation/input-params'
import { POR_SETTING_DEFAULTS } from '#common/adapter'
import {
  chainAlertRules,
  prometheusExpression,
  prometheusRulesFile,
  reserveAlertRules,
  type AlertRule,
} from '#common/alerts'
import { KNOWN_CHAINS, UNKNOWN_CHAIN_LIMITS, defaultFreshness } from '#common/evm-chains'
import { CHAIN_METRIC } from '#common/metric-names'
import { CHAIN_METRIC_HELP, CHAIN_METRIC_LABELS } from '../dashboard/alerts'
import { optionsMarkdown } from '../dashboard/cli-spec'
import { DEFAULT_POLL_MS } from '../dashboard/defaults'
import { reportGasLimit } from '#workflows/reserve-guard/gas'
import { ADAPTERS_DIR, adapterNames, loadAdapterModule } from './adapters'
import { ANCHOR_NAME, LOAD_GOALS, memoryVersusBaseline, readLoadResults, versusAnchor } from './load-results'
import { NPM_SCRIPT_GROUPS, npmScriptProblems } from './npm-scripts'

/** The repository root. */
export const REPO_DIR = resolve(ADAPTERS_DIR, '..')

/**
 * One file and what of it is generated: the parts a markdown file must hold between markers, by
 * part name; or, for a file generated whole, its text.
 */
export type GeneratedDoc = { file: string } & (
  { parts: Record<string, string>; whole?: undefined } | { whole: string; parts?: undefined }
)

const startMarker = (part: string) => `<!-- generated:${part} (npm run docs) -->`
const endMarker = (part: string) => `<!-- /generated:${part} -->`

// ---------------------------------------------------------------------------------------------
// Markdown cells

/**
 * Text from code made safe for a table cell: `|` escaped, and what markdown would take for HTML
 * (`<url>/<client>`) or leave bare (SETTING_NAMES) put in code spans. Existing code spans are
 * kept as they are (with `|` escaped, as GFM tables require even inside them).
 */
export function cell(text: string): string {
  return text
    .replace(/\s*\n\s*/g, ' ')
    .split(/(`[^`]*`)/)
    .map((piece, i) => {
      if (i % 2 === 1) return piece.replace(/\|/g, '\\|')
      return piece
        .replace(/[^\s`]*<[^<>\s]+>[^\s`]*/g, (token) => {
          const [, body, tail] = /^(.*?)([.,;:)]*)$/.exec(token)!
          return `\`${body}\`${tail}`
        })
        .replace(/(^|[^`\w<])([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+)(?![\w`>])/g, '$1`$2`')
        .replace(/\|/g, '\\|')
    })
    .join('')
}

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

const code = (value: unknown) => `\`${String(value)}\``
const yes = (flag: boolean) => (flag ? 'yes' : '')

// ---------------------------------------------------------------------------------------------
// Adapter settings

/**
 * A setting's type as an operator reads it: `integer 1–256` when its validator states a range,
 * the choices of an enum, the validator's own words for a string with a custom check.
 */
function settingType(definition: SettingDefinition): string {
  const meta = definition.validate?.meta
  if (definition.type === 'enum') return `one of ${definition.options.map(code).join(', ')}`
  if (definition.type === 'number') {
    const kind = meta?.details?.includes('integer') ? 'integer' : 'number'
    if (meta?.min !== undefined && meta?.max !== undefined) return `${kind} ${meta.min}–${meta.max}`
    if (meta?.min !== undefined) return `${kind} ≥ ${meta.min}`
    if (meta?.max !== undefined) return `${kind} ≤ ${meta.max}`
    return kind
  }
  if (definition.type === 'string' && meta?.details) return `string: ${meta.details}`
  return definition.type
}

/**
 * Whether the framework keeps a setting's value out of its logs: a string setting unless it says
 * `sensitive: false`, and any setting whose name holds RPC_URL or API_KEY (the framework's rule,
 * AdapterConfig.buildCensorList).
 */
function isSensitive(name: string, definition: SettingDefinition): boolean {
  if (['RPC_URL', 'API_KEY'].some((pattern) => name.includes(pattern))) return true
  return definition.type === 'string' && definition.sensitive !== false
}

function settingsDefinition(adapter: Adapter): Record<string, SettingDefinition> {
  // AdapterConfig keeps the definition it was built with in a (TypeScript-)private field.
  return (adapter.config as unknown as { settingsDefinition: Record<string, SettingDefinition> })
    .settingsDefinition
}

/** The settings part: the adapter's own settings, then the framework defaults it changes. */
export function settingsPart(adapter: Adapter): string {
  const rows = Object.entries(settingsDefinition(adapter)).map(([name, definition]) => [
    code(name),
    cell(settingType(definition)),
    definition.default === undefined ? '' : code(definition.default),
    yes(definition.required === true),
    yes(isSensitive(name, definition)),
    cell(definition.description),
  ])
  const own = table(['setting', 'type', 'default', 'required', 'sensitive', 'description'], rows)

  const overrides = Object.entries(adapter.config.options?.envDefaultOverrides ?? {})
  const base = BaseSettingsDefinition as Record<string, SettingDefinition>
  const framework = table(
    ['framework setting', 'default here', "framework's default", 'description'],
    overrides.map(([name, value]) => [
      code(name),
      code(value),
      base[name]?.default === undefined ? '' : code(base[name].default),
      cell(base[name]?.description ?? ''),
    ]),
  )
  return [
    own,
    'The framework’s own settings apply too (`EA_PORT`, default 8080, …). This adapter changes these defaults:',
    framework,
  ].join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Endpoint inputs

type Definition = Record<string, InputParameter>

function inputType(parameter: InputParameter): string {
  const base = typeof parameter.type === 'object' ? 'object' : parameter.type
  const type = parameter.array ? `${base}[]` : base
  const options = parameter.options as readonly (string | number)[] | undefined
  return options ? `${type}, one of ${options.map(code).join(', ')}` : type
}

/** Rows for `definition`, nested fields of object and array parameters after their parent. */
function inputRows(definition: Definition, prefix = ''): string[][] {
  return Object.entries(definition).flatMap(([name, parameter]) => {
    const path = `${prefix}${name}`
    const aliases = parameter.aliases?.length ? ` (alias ${parameter.aliases.map(code).join(', ')})` : ''
    const row = [
      `${code(path)}${aliases}`,
      cell(inputType(parameter)),
      yes(parameter.required === true),
      parameter.default === undefined ? '' : code(JSON.stringify(parameter.default)),
      cell(parameter.description),
    ]
    const nested =
      typeof parameter.type === 'object'
        ? inputRows(parameter.type as Definition, `${path}${parameter.array ? '[]' : ''}.`)
        : []
    return [row, ...nested]
  })
}

/** The inputs part: each endpoint, the default first, with its input table. */
export function inputsPart(adapter: Adapter): string {
  const endpoints = [...adapter.endpoints].sort(
    (a, b) => Number(b.name === adapter.defaultEndpoint) - Number(a.name === adapter.defaultEndpoint),
  )
  return endpoints
    .map((endpoint) => {
      const aliases = endpoint.aliases?.length ? `, also called ${endpoint.aliases.map(code).join(', ')}` : ''
      const isDefault = endpoint.name === adapter.defaultEndpoint ? ' (the default)' : ''
      const definition = (endpoint.inputParameters?.definition ?? {}) as Definition
      const intro = `Endpoint ${code(endpoint.name)}${isDefault}${aliases}.`
      if (Object.keys(definition).length === 0) return `${intro} It takes no input.`
      return [
        intro,
        table(['input', 'type', 'required', 'default', 'description'], inputRows(definition)),
      ].join('\n\n')
    })
    .join('\n\n')
}

/** The generated parts of adapter `name`'s README. */
export async function adapterDoc(name: string, adaptersDir = ADAPTERS_DIR): Promise<GeneratedDoc> {
  const { makeAdapter } = await loadAdapterModule(name, adaptersDir)
  const adapter = makeAdapter()
  return {
    file: join(adaptersDir, name, 'README.md'),
    parts: { settings: settingsPart(adapter), inputs: inputsPart(adapter) },
  }
}

// ---------------------------------------------------------------------------------------------
// Gas table

/** The fixed cost of every transaction, which `eth_estimateGas` and `gasUsed` include. */
const TX_BASE_GAS = 21_000

/** A measurement of gas.json: asset count → gas. */
type GasMeasurement = Map<number, number>

interface GasTarget {
  text: string
  met: boolean
}

/** How a measurement of gas.json is shown: its row label, and its target, if it has one. */
interface GasMeasurementDoc {
  row: (assets: number) => string
  target?: (assets: number, gas: number) => GasTarget | undefined
}

const assetCount = (n: number) => `${n} asset${n === 1 ? '' : 's'}`
/** `1450441` → `1,450,441` (whatever the machine's locale). */
const grouped = (n: number) => String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',')

/**
 * The measurements `npm run bench:gas` writes, in table order, and the ceilings they are held to
 * (docs/contracts.md, "Gas"). A measurement not listed here is still shown (after these, labelled by its
 * name, without a ceiling).
 */
export const GAS_MEASUREMENTS: Record<string, GasMeasurementDoc> = {
  checkUpkeep: {
    row: (n) => `checkUpkeep, ${assetCount(n)}, all backed`,
    target: (n, gas) => (n === 64 ? { text: '64 assets ≤ 3,000,000', met: gas <= 3_000_000 } : undefined),
  },
  checkUpkeepAllShort: {
    row: (n) => `checkUpkeep, ${assetCount(n)}, all short`,
    target: (_n, gas) => ({ text: '< 5,000,000 (check limit)', met: gas < 5_000_000 }),
  },
  performUpkeep: {
    row: (n) => `performUpkeep, pausing ${assetCount(n)}`,
    target: (n, gas) => (n === 1 ? { text: '≤ 150,000, base included', met: gas <= 150_000 } : undefined),
  },
  onReport: {
    row: (n) => `onReport through KeystoneForwarder, pausing ${assetCount(n)}`,
    target: (n, gas) => {
      const limit = Number(reportGasLimit(n))
      return { text: `≤ ${grouped(limit)}, the workflow's gas limit for ${n}`, met: gas <= limit }
    },
  },
  dataFeedsCacheWrite: {
    row: () => 'por-feed write: DataFeedsCache, a new round of 1 feed',
    target: (_n, gas) => ({ text: "≤ 500,000, the por-feed example's gas limit", met: gas <= 500_000 }),
  },
}

/**
 * Captions of the feed set-ups gas.json may hold. Its top-level measurements are the first
 * set-up; a top-level object of measurements is another one (e.g. the same figures read through
 * Chainlink's EACAggregatorProxy), shown as a table of its own under its caption here, or under
 * its name when it has none.
 */
export const GAS_SETUPS: Record<string, string> = {
  '': 'Each asset reads its own `MockV3Aggregator` directly.',
  proxy:
    "Each asset reads its own `MockV3Aggregator` through Chainlink's `EACAggregatorProxy`, the way every " +
    'Data Feed (PoR feeds included) is read on a real chain: one more cold contract per feed read.',
  cre:
    'The CRE path: each asset reads its own feed of one Chainlink `DataFeedsCache` through its own `EACAggregatorProxy`, ' +
    "written by the por-feed workflow's report through Chainlink's `KeystoneForwarder` (a DON of 4, 2 signatures); " +
    "the guard takes the reserve-guard workflow's reports through the same forwarder. Report rows are the whole " +
    'report transaction; performUpkeep, on the same feeds, for comparison.',
}

/** `numerator / denominator` rounded to the nearest integer (halves up), exactly. */
function roundedRatio(numerator: number, denominator: number): number {
  return Number((2n * BigInt(numerator) + BigInt(denominator)) / (2n * BigInt(denominator)))
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

/** Reads an object of `"<asset count>": <gas>` entries, or undefined if `value` is not one. */
function asMeasurement(value: unknown): GasMeasurement | undefined {
  if (!isRecord(value) || Object.keys(value).length === 0) return undefined
  const entries = Object.entries(value)
  if (!entries.every(([count]) => /^[1-9]\d*$/.test(count))) return undefined
  const measurement: GasMeasurement = new Map()
  for (const [count, gas] of entries) {
    if (!Number.isSafeInteger(gas) || (gas as number) <= 0) return undefined
    measurement.set(Number(count), gas as number)
  }
  return new Map([...measurement].sort(([a], [b]) => a - b))
}

/**
 * Splits gas.json into set-ups of measurements. Scalars (notes, versions) are not figures and
 * are skipped; anything else that is neither a measurement nor a set-up of measurements is an
 * error naming it.
 */
export function gasSetups(
  json: unknown,
  source = 'bench/results/gas.json',
): Map<string, Map<string, GasMeasurement>> {
  if (!isRecord(json)) throw new Error(`${source}: not a JSON object`)
  const setups = new Map<string, Map<string, GasMeasurement>>([['', new Map()]])
  for (const [key, value] of Object.entries(json)) {
    if (!isRecord(value)) continue
    const measurement = asMeasurement(value)
    if (measurement) {
      setups.get('')!.set(key, measurement)
      continue
    }
    const setup = new Map<string, GasMeasurement>()
    for (const [name, inner] of Object.entries(value)) {
      const nested = asMeasurement(inner)
      if (!nested) {
        throw new Error(
          `${source}: "${key}.${name}" is not a measurement (an object of "<asset count>": <gas> entries)`,
        )
      }
      setup.set(name, nested)
    }
    setups.set(key, setup)
  }
  if (setups.get('')!.size === 0) setups.delete('')
  return setups
}

function gasTable(measurements: Map<string, GasMeasurement>): string {
  const known = Object.keys(GAS_MEASUREMENTS).filter((name) => measurements.has(name))
  const others = [...measurements.keys()].filter((name) => !(name in GAS_MEASUREMENTS))
  const rows = [...known, ...others].flatMap((name) =>
    [...measurements.get(name)!].map(([assets, gas]) => {
      const doc = GAS_MEASUREMENTS[name]
      const target = doc?.target?.(assets, gas)
      return [
        doc ? doc.row(assets) : `${name}, ${assetCount(assets)}`,
        grouped(gas),
        grouped(roundedRatio(gas, assets)),
        grouped(roundedRatio(gas - TX_BASE_GAS, assets)),
        target ? `${target.text}: ${target.met ? 'met' : '**missed**'}` : '',
      ]
    }),
  )
  return table(['measurement', 'gas', 'per asset', 'per asset beyond the 21,000 base', 'ceiling'], rows)
}

/** The gas part: one table per feed set-up of gas.json, each under its caption when there are several. */
export function gasPart(json: unknown): string {
  const setups = gasSetups(json)
  if (setups.size === 1) return gasTable([...setups.values()][0])
  return [...setups]
    .map(
      ([name, measurements]) => `${GAS_SETUPS[name] ?? `Set-up \`${name}\`.`}\n\n${gasTable(measurements)}`,
    )
    .join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Load tables

const SETUPS = { cached: 'one process', redis: '1 writer + 2 readers on Redis' } as const
const ms = (n: number) => n.toFixed(1)
const times = (n: number) => `${n.toFixed(2)}×`

/** The load part: cached-answer throughput against the anchor, memory after a flood, and a faulty provider. */
export function loadPart(json: unknown): string {
  const { machine, load, memory, faults, ...setups } = readLoadResults(json)
  const intro =
    `Measured on ${machine.cpus} CPUs (${machine.cpu}), shared by the load generator, the adapters and their providers, ` +
    `with a load average of ${machine.loadAverage} when the run started; Node ${machine.node}, Redis ${machine.redis}. ` +
    `${load.tool}; ${load.connections} connections; ${load.rounds} rounds of ${load.durationSeconds} s per target, ` +
    `the targets in turn, after ${load.warmupSeconds} s of warm-up each; medians. Settings: ${load.settings}. ` +
    `Goal: ≥ ${LOAD_GOALS.throughputVsAnchor}× the anchor's requests per second, p99 ≤ ${LOAD_GOALS.p99VsAnchor}× the anchor's.`
  const rows = (['cached', 'redis'] as const).flatMap((setup) => {
    const figures = setups[setup]
    const anchor = figures[ANCHOR_NAME]
    return Object.entries(figures).map(([name, f]) => {
      const versus = name === ANCHOR_NAME ? undefined : versusAnchor(anchor, f)
      return [
        name === ANCHOR_NAME ? 'anchor (framework)' : code(name),
        SETUPS[setup],
        grouped(f.requestsPerSecond),
        versus ? times(versus.throughput) : '',
        ms(f.p50Ms),
        ms(f.p99Ms),
        versus ? times(versus.p99) : '',
        `${f.failed} / ${f.wrong}`,
        versus ? (versus.met ? 'met' : '**missed**') : '',
      ]
    })
  })
  const throughput = table(
    ['adapter', 'set-up', 'req/s', '× anchor', 'p50 ms', 'p99 ms', 'p99 × anchor', 'failed / wrong', 'goal'],
    rows,
  )
  const { ratio, met } = memoryVersusBaseline(memory)
  const rss = memory.rssMiB
  const answers = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([status, n]) => `${grouped(n)} × ${status}`)
      .join(', ')
  const settings = (values: Record<string, string>) =>
    Object.entries(values)
      .map(([name, value]) => `${code(name)}=${value}`)
      .join(', ')
  const gained = Object.entries(memory.metricSeries.gained)
    .map(([metric, n]) => `${code(metric)} +${grouped(n)}`)
    .join(', ')
  const memoryTable = table(
    [`memory: ${code(memory.adapter)}, ${grouped(memory.distinctRequests)} distinct requests`, ''],
    [
      ['settings', settings(memory.settings)],
      ['the flood', `${memory.floodSeconds} s: ${answers(memory.answers)}; ${memory.wrong} wrong`],
      [
        `RSS, MiB: cold, idle baseline, peak, ${memory.secondsAfterFlood} s after the flood, then after a full GC`,
        `${rss.cold}, ${rss.baseline}, ${rss.peak}, ${rss.afterIdle}, ${rss.after}`,
      ],
      [
        'RSS after ÷ baseline (both after a full GC)',
        `${times(ratio)} (goal ≤ ${LOAD_GOALS.rssAfterVsBaseline}×: ${met ? 'met' : '**missed**'})`,
      ],
      [
        'V8 heap used after a full GC, MiB',
        `${memory.heapUsedMiB.baseline} → ${memory.heapUsedMiB.after}: ${grouped(memory.retainedBytesPerRequest)} bytes kept per expired request`,
      ],
      [
        'metric series',
        `${grouped(memory.metricSeries.baseline)} → ${grouped(memory.metricSeries.after)}${gained ? ` (${gained})` : ''}`,
      ],
    ],
  )
  const faultTable = table(
    [`faults: ${code(faults.adapter)}'s provider behind the fault proxy, under load`, ''],
    [
      ['phases', faults.phases.map(({ phase, seconds }) => `${phase} ${seconds} s`).join(' → ')],
      ['settings', settings(faults.settings)],
      [
        'answers',
        `${grouped(faults.answers)}: ${grouped(faults.right)} right, **${faults.wrong} wrong**, ${grouped(faults.serverErrors)} 5xx, ${grouped(faults.other)} other`,
      ],
      [
        'recovery',
        faults.recoverySeconds === null
          ? '**no right answer after the provider came back**'
          : `first right answer ${faults.recoverySeconds} s after the provider came back; ${faults.failuresAfterRecovery} failures after it`,
      ],
    ],
  )
  return [intro, throughput, memoryTable, faultTable].join('\n\n')
}

// ---------------------------------------------------------------------------------------------
// Alerts

/** Where the Prometheus rules file is, from the repository root. */
export const ALERT_RULES_FILE = join('docs', 'reserve-alerts.rules.yml')

/** The alerts of an adapter with the default CACHE_MAX_AGE, as documented. */
export const documentedAlertRules = (): AlertRule[] => reserveAlertRules(POR_SETTING_DEFAULTS.CACHE_MAX_AGE)

/** The chain's alerts, as the dashboard judges them with its default poll. */
export const documentedChainAlertRules = (): AlertRule[] => chainAlertRules(DEFAULT_POLL_MS)

const UNIT_NAMES: Record<AlertRule['unit'], string> = {
  seconds: 's',
  milliseconds: 'ms',
  requests: 'requests',
  computations: 'computations',
  flag: '1 while it holds',
}

/** docs/operators.md's alerts part: each rule, its condition in PromQL, and what it means. */
export function alertsPart(rules: AlertRule[]): string {
  return table(
    ['alert', 'condition', 'for', 'severity', 'meaning'],
    rules.map((rule) => [
      code(rule.name),
      `${cell(code(prometheusExpression(rule)))} (${UNIT_NAMES[rule.unit]})`,
      rule.forSeconds > 0 ? `${rule.forSeconds} s` : '',
      rule.severity,
      cell(rule.description),
    ]),
  )
}

/** The Prometheus rules file (docs/operators.md has a table of the same rules: {@link operatorsDoc}). */
export function alertRulesDoc(repoDir = REPO_DIR): GeneratedDoc {
  const header = [
    'Alerts on the reserve adapters\' metrics (docs/operators.md, "Staleness"), for adapters with the',
    `default CACHE_MAX_AGE of ${POR_SETTING_DEFAULTS.CACHE_MAX_AGE} ms; and on the chain, as the dashboard exposes it on`,
    `its /metrics (dashboard/README.md), read every ${DEFAULT_POLL_MS / 1000} s. Written by \`npm run docs\` from`,
    'adapters/common/alerts.ts (reserveAlertRules, chainAlertRules): change the rules there, not here.',
    "cache_data_staleness_seconds (the framework's) is in milliseconds, despite its name.",
  ]
  const groups = [
    { name: 'reserve-adapters', rules: documentedAlertRules() },
    { name: 'reserve-chain', rules: documentedChainAlertRules() },
  ]
  return { file: join(repoDir, ALERT_RULES_FILE), whole: prometheusRulesFile(groups, header) }
}

// ---------------------------------------------------------------------------------------------
// npm scripts

/** How a script is run: `npm test` and `npm start` as npm shortens them, a hook by its name. */
function scriptCommand(name: string): string {
  if (name === 'test' || name === 'start') return `npm ${name}`
  if (name.startsWith('pre') || name.startsWith('post')) return name
  return `npm run ${name}`
}

/**
 * The scripts part: a table per group of devkit/npm-scripts.ts, each script with its line.
 * Throws, saying what to do, when package.json's scripts and the descriptions disagree.
 */
export function scriptsPart(scripts: Record<string, string>): string {
  const problems = npmScriptProblems(scripts)
  if (problems.length > 0) throw new Error(problems.join('\n'))
  return NPM_SCRIPT_GROUPS.map(
    ({ group, scripts: described }) =>
      `**${group}**\n\n${table(
        ['script', 'what it does'],
        Object.entries(described).map(([name, line]) => [code(scriptCommand(name)), line]),
      )}`,
  ).join('\n\n')
}

/** The root README's generated parts. */
export function rootDoc(repoDir = REPO_DIR): GeneratedDoc {
  const results = (name: string) =>
    JSON.parse(readFileSync(join(repoDir, 'bench', 'results', name), 'utf8')) as unknown
  const { scripts } = JSON.parse(readFileSync(join(repoDir, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>
  }
  return {
    file: join(repoDir, 'README.md'),
    parts: {
      scripts: scriptsPart(scripts),
      gas: gasPart(results('gas.json')),
      load: loadPart(results('load.json')),
    },
  }
}

// ---------------------------------------------------------------------------------------------
// EVM freshness defaults

/** The default freshness limits of each known chain, and of any other. */
export function freshnessPart(): string {
  const seconds = (n: number) => (n === 0 ? 'no limit' : `${grouped(n)} s`)
  const rows = Object.entries(KNOWN_CHAINS).map(([chainId, chain]) => {
    const limits = defaultFreshness(BigInt(chainId))
    return [
      code(chainId),
      chain.name,
      chain.blockTimeSeconds === undefined ? 'on demand' : `${chain.blockTimeSeconds} s`,
      seconds(limits.maxHeadAgeSeconds),
      grouped(limits.maxLagBlocks),
    ]
  })
  rows.push([
    'any other',
    '',
    'unknown',
    seconds(UNKNOWN_CHAIN_LIMITS.maxHeadAgeSeconds),
    grouped(UNKNOWN_CHAIN_LIMITS.maxLagBlocks),
  ])
  return table(
    [
      'chain id',
      'chain',
      'block time',
      '`<NETWORK>_RPC_MAX_HEAD_AGE_SECONDS`',
      '`<NETWORK>_RPC_MAX_LAG_BLOCKS`',
    ],
    rows,
  )
}

/** The operator guide's generated parts. */
export function operatorsDoc(repoDir = REPO_DIR): GeneratedDoc {
  return {
    file: join(repoDir, 'docs', 'operators.md'),
    parts: { 'evm-freshness': freshnessPart(), alerts: alertsPart(documentedAlertRules()) },
  }
}

// ---------------------------------------------------------------------------------------------
// Writing and checking

/** The dashboard's README: its options, its metrics and the chain's alerts. */
export function dashboardDoc(repoDir = REPO_DIR): GeneratedDoc {
  const metrics = table(
    ['metric', 'labels', 'meaning'],
    (Object.keys(CHAIN_METRIC) as (keyof typeof CHAIN_METRIC)[]).map((key) => [
      code(CHAIN_METRIC[key]),
      CHAIN_METRIC_LABELS[key].map(code).join(', '),
      cell(CHAIN_METRIC_HELP[key]),
    ]),
  )
  return {
    file: join(repoDir, 'dashboard', 'README.md'),
    parts: { options: optionsMarkdown(), metrics, alerts: alertsPart(documentedChainAlertRules()) },
  }
}

/** Every generated doc of the repository: each adapter's README, the root README, the operator guide, the dashboard's README and the alert rules. */
export async function allDocs(repoDir = REPO_DIR): Promise<GeneratedDoc[]> {
  const adaptersDir = join(repoDir, 'adapters')
  const adapters = await Promise.all(adapterNames(adaptersDir).map((name) => adapterDoc(name, adaptersDir)))
  return [...adapters, rootDoc(repoDir), operatorsDoc(repoDir), dashboardDoc(repoDir), alertRulesDoc(repoDir)]
}

/**
 * The file as it should be: every part replaced between its markers, then formatted by
 * Prettier. Throws, naming the file and the part, when a part's markers are missing.
 */
export async function render(
  doc: GeneratedDoc,
  repoDir = REPO_DIR,
): Promise<{ current: string; expected: string }> {
  const name = relative(repoDir, doc.file)
  const options = await resolveConfig(doc.file)
  if (doc.whole !== undefined) {
    const current = existsSync(doc.file) ? readFileSync(doc.file, 'utf8') : ''
    return { current, expected: await format(doc.whole, { ...options, filepath: doc.file }) }
  }
  if (!existsSync(doc.file)) throw new Error(`${name} is missing`)
  const current = readFileSync(doc.file, 'utf8')
  let text = current
  for (const [part, body] of Object.entries(doc.parts)) {
    const start = text.indexOf(startMarker(part))
    const end = text.indexOf(endMarker(part))
    if (start < 0 || end < start) {
      throw new Error(
        `${name} has no generated "${part}" part: put ${startMarker(part)} and ${endMarker(part)} where it goes, then run \`npm run docs\``,
      )
    }
    text = `${text.slice(0, start)}${startMarker(part)}\n\n${body}\n\n${text.slice(end)}`
  }
  return { current, expected: await format(text, { ...options, filepath: doc.file }) }
}

/** Problems with `docs`, one message per file that is not as `npm run docs` would write it. */
export async function checkDocs(docs: GeneratedDoc[], repoDir = REPO_DIR): Promise<string[]> {
  const problems: string[] = []
  for (const doc of docs) {
    try {
      const { current, expected } = await render(doc, repoDir)
      if (current !== expected) {
        problems.push(
          `${relative(repoDir, doc.file)} is out of date with the code it documents: run \`npm run docs\``,
        )
      }
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  }
  return problems
}

/** Rewrites every file of `docs` that differs; returns the files written. */
export async function writeDocs(docs: GeneratedDoc[], repoDir = REPO_DIR): Promise<string[]> {
  const written: string[] = []
  for (const doc of docs) {
    const { current, expected } = await render(doc, repoDir)
    if (current === expected) continue
    writeFileSync(doc.file, expected)
    written.push(relative(repoDir, doc.file))
  }
  return written
}
