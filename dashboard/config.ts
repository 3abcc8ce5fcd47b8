/**
 * The dashboard's settings: the command line (dashboard/cli-spec.ts), over a JSON file (`--config`), over the
 * defaults; the RPC URL from `--rpc-url`, the file or `DASHBOARD_RPC_URL`. Everything is checked before the
 * dashboard starts: a wrong value is a usage error naming its option.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { getAddress } from 'ethers'
import { POR_SETTING_DEFAULTS } from '#common/adapter'
import { CliError, type ParsedOptions } from '#devkit/cli'
import { DASHBOARD_COMMAND, RPC_URL_ENV } from './cli-spec'

/** An adapter the dashboard watches. */
export interface AdapterTarget {
  name: string
  /** its Prometheus metrics (`METRICS_PORT`, path /metrics) */
  metricsUrl: string
  /** its `GET /health` (`EA_PORT`), optional */
  healthUrl?: string
  /** its `CACHE_MAX_AGE`, which the alert thresholds follow (default: the adapters' default) */
  cacheMaxAgeMs: number
}

export interface DashboardSettings {
  guard: string
  network?: string
  rpcUrl: string
  host: string
  port: number
  pollMs: number
  fromBlock: number
  /** the upkeeps to show; undefined: the registrar's registrations for the guard */
  upkeeps?: bigint[]
  registry?: string
  registrar?: string
  adapters: AdapterTarget[]
  webhook?: string
  explorer?: string
  historyPoints: number
  logRange: number
}

const usage = (message: string) => new CliError(message, 'usage')

/** The file's key of an option: its camelCase name (`poll-ms` → `pollMs`), plural for a list (`adapters`). */
const fileKey = (option: string): string =>
  DASHBOARD_COMMAND.options.find((o) => o.name === option)?.multiple
    ? `${option}s`
    : option.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase())
const FILE_KEYS = new Set(
  DASHBOARD_COMMAND.options.filter((o) => !['config', 'help'].includes(o.name)).map((o) => fileKey(o.name)),
)

function address(value: unknown, what: string): string {
  try {
    if (typeof value !== 'string') throw new Error()
    return getAddress(value)
  } catch {
    throw usage(
      `${what} must be an address (0x and 40 hex digits, checksummed if mixed-case), got ${JSON.stringify(value)}`,
    )
  }
}

function httpUrl(value: unknown, what: string): string {
  let url: URL
  try {
    url = new URL(String(value))
  } catch {
    throw usage(`${what} must be an http(s) URL, got ${JSON.stringify(value)}`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usage(`${what} must be an http(s) URL, got ${url.protocol} (${what} of ${url.host})`)
  }
  return url.toString()
}

function whole(value: unknown, what: string, min = 0): number {
  const text = String(value)
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < min) {
    throw usage(
      `${what} must be a whole number${min > 0 ? ` of at least ${min}` : ''}, got ${JSON.stringify(value)}`,
    )
  }
  return Number(text)
}

function upkeepId(value: unknown, what: string): bigint {
  if (!/^\d+$/.test(String(value)))
    throw usage(`${what} must be an upkeep id (decimal), got ${JSON.stringify(value)}`)
  return BigInt(String(value))
}

/** `name=metrics-url[,health-url]` from the command line. */
export function parseAdapterOption(text: string): AdapterTarget {
  const match = /^([a-z0-9-]+)=([^,]+)(?:,(.+))?$/.exec(text)
  if (!match)
    throw usage(`--adapter must be <name>=<metrics-url>[,<health-url>], got ${JSON.stringify(text)}`)
  return adapterTarget({ name: match[1], metricsUrl: match[2], healthUrl: match[3] }, `--adapter ${match[1]}`)
}

function adapterTarget(raw: unknown, what: string): AdapterTarget {
  const entry = raw as Record<string, unknown>
  if (typeof entry !== 'object' || entry === null || typeof entry.name !== 'string' || entry.name === '') {
    throw usage(`${what} must have a name`)
  }
  for (const key of Object.keys(entry)) {
    if (!['name', 'metricsUrl', 'healthUrl', 'cacheMaxAgeMs'].includes(key)) {
      throw usage(`${what}: unknown key ${key} (name, metricsUrl, healthUrl, cacheMaxAgeMs)`)
    }
  }
  return {
    name: entry.name,
    metricsUrl: httpUrl(entry.metricsUrl, `${what} metricsUrl`),
    healthUrl: entry.healthUrl === undefined ? undefined : httpUrl(entry.healthUrl, `${what} healthUrl`),
    cacheMaxAgeMs:
      entry.cacheMaxAgeMs === undefined
        ? POR_SETTING_DEFAULTS.CACHE_MAX_AGE
        : whole(entry.cacheMaxAgeMs, `${what} cacheMaxAgeMs`, 1),
  }
}

/** The configuration file's settings, checked (`--config`, relative to `cwd`). */
export function readConfigFile(file: string, cwd = process.cwd()): Record<string, unknown> {
  const path = resolve(cwd, file)
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw usage(`--config ${file}: ${(error as Error).message}`)
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    throw usage(`--config ${file}: not a JSON object`)
  for (const key of Object.keys(raw)) {
    if (!FILE_KEYS.has(key))
      throw usage(`--config ${file}: unknown setting ${key} (${[...FILE_KEYS].join(', ')})`)
  }
  return raw as Record<string, unknown>
}

/**
 * The settings: each from the command line, else the file, else its default. `defaults` are the options'
 * defaults as parsed (devkit/cli fills them in), so a default never hides a file's value: an option counts as
 * given only when it differs from its default or the file has none.
 */
export function resolveSettings(
  options: ParsedOptions,
  env: Record<string, string | undefined>,
  cwd = process.cwd(),
): DashboardSettings {
  const file = typeof options.config === 'string' ? readConfigFile(options.config, cwd) : {}
  const defaults = Object.fromEntries(DASHBOARD_COMMAND.options.map((o) => [o.name, o.default]))
  const pick = (option: string): unknown => {
    const given = options[option]
    const fromFile = file[fileKey(option)]
    if (given !== undefined && (given !== defaults[option] || fromFile === undefined)) return given
    return fromFile ?? given
  }
  const guard = pick('guard')
  if (guard === undefined) throw usage('--guard is required (or guard in the --config file)')
  const rpcUrl = pick('rpc-url') ?? env[RPC_URL_ENV]
  if (rpcUrl === undefined)
    throw usage(`no RPC endpoint: pass --rpc-url, rpcUrl in the file, or set ${RPC_URL_ENV}`)
  const list = (option: string): unknown[] => {
    const value = pick(option)
    if (value === undefined) return []
    if (!Array.isArray(value)) throw usage(`${fileKey(option)} in the file must be a list`)
    return value
  }
  const given = options.adapter as string[] | undefined
  const adapters =
    given !== undefined
      ? given.map(parseAdapterOption)
      : list('adapter').map((entry, i) => adapterTarget(entry, `adapter ${i + 1}`))
  const upkeeps =
    pick('upkeep') === undefined ? undefined : list('upkeep').map((id) => upkeepId(id, '--upkeep'))
  const optional = <T>(option: string, read: (value: unknown, what: string) => T): T | undefined => {
    const value = pick(option)
    return value === undefined ? undefined : read(value, `--${option}`)
  }
  const network = pick('network')
  if (network !== undefined && typeof network !== 'string') throw usage('--network must be a name')
  return {
    guard: address(guard, '--guard'),
    network,
    rpcUrl: httpUrl(rpcUrl, '--rpc-url'),
    host: String(pick('host')),
    port: whole(pick('port'), '--port'),
    pollMs: whole(pick('poll-ms'), '--poll-ms', 100),
    fromBlock: whole(pick('from-block'), '--from-block'),
    upkeeps,
    registry: optional('registry', address),
    registrar: optional('registrar', address),
    adapters,
    webhook: optional('webhook', httpUrl),
    explorer: optional('explorer', httpUrl)?.replace(/\/$/, ''),
    historyPoints: whole(pick('history-points'), '--history-points', 1),
    logRange: whole(pick('log-range'), '--log-range', 1),
  }
}
