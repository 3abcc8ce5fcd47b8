/**
 * An asset's configuration (`IReserveGuard.AssetConfig`) as the guard commands take it: the options that set
 * each field, the configuration built from them (over the asset's present one, or the defaults for a new one,
 * a `SecureMintToken`'s own rules included), and the words that show it. Every field is read and shown here
 * and nowhere else, so a change of the guard's configuration (a margin given another way, say) is a change of
 * this file.
 */
import { AbiCoder, keccak256, type BlockTag } from 'ethers'
import type { SecureMintToken } from '#chain/contracts'
import type { OptionSpec, ParsedOptions } from '#devkit/cli'
import { CliError } from '#devkit/cli'
import { PauseMode, StalePolicy, SupplyKind, assetConfig, enumName, type AssetConfig } from '#chain/types'
import { parseDuration, showDuration } from './format'
import { addressOption, text } from './session'
import {
  defaultOperations,
  operationNames,
  parseOperations,
  pauseModeName,
  type TargetKind,
} from './pause-mode'

/** The options that set an asset's configuration (`add-asset`, `schedule-update`). */
export const ASSET_CONFIG_OPTIONS: OptionSpec[] = [
  {
    name: 'feed',
    value: 'address',
    description:
      "the reserve feed (a Chainlink proxy); a SecureMintToken's own feed when left out (the guard refuses any other)",
  },
  {
    name: 'heartbeat',
    value: 'duration',
    description:
      "how old the reserve feed's answer may be (86400, 24h, 1d); a SecureMintToken's own when left out, else 1d",
  },
  {
    name: 'margin-bps',
    value: 'bps',
    description:
      "extra reserves required over supply, in basis points; a SecureMintToken's own when left out, else 0",
  },
  {
    name: 'supply-feed',
    value: 'address',
    description:
      "read the supply from this feed (an asset spread over many chains) instead of the target's totalSupply()",
  },
  {
    name: 'supply-heartbeat',
    value: 'duration',
    description: "with --supply-feed: how old the supply feed's answer may be",
  },
  {
    name: 'stale-policy',
    value: 'fail-closed|skip',
    description: 'stale or missing data pauses (fail-closed, the default for a new asset) or is skipped',
  },
  {
    name: 'operations',
    value: 'list',
    description:
      'for a token paused by operation: which to pause, of mint, redeem, burn (default mint,redeem: burning only helps)',
  },
  {
    name: 'pause-gas',
    value: 'gas|measure',
    description:
      "the gas the upkeep gives the target's pause; measure: twice the pause measured from the guard (the pause " +
      'role granted first), rounded up to 10,000, at least MIN_PAUSE_GAS (default for a new asset)',
  },
]

/** The options that set a SecureMintToken's own rules (`deploy`, `schedule-reserve-config`). */
export const TOKEN_RULE_OPTIONS: OptionSpec[] = [
  { name: 'feed', value: 'address', description: "the token's reserve feed (a Chainlink proxy)" },
  {
    name: 'heartbeat',
    value: 'duration',
    description: "how old the feed's answer may be before a mint is refused (86400, 24h, 1d)",
  },
  {
    name: 'margin-bps',
    value: 'bps',
    description: 'extra reserves required over supply, in basis points (default 0)',
  },
]

/** A configuration with its fields checked and its defaults applied, and how its pause gas is to be found. */
export interface ConfigChoice {
  config: AssetConfig
  /** the pause gas is to be measured from the guard before the configuration is sent */
  measurePauseGas: boolean
  /** what was taken from where, in words */
  notes: string[]
}

/** A SecureMintToken's own rules (`reserveConfig()`). */
export interface TokenRules {
  reserveFeed: string
  heartbeat: number
  marginBps: number
}

/** A SecureMintToken's rules now (`reserveConfig()`). */
export async function readTokenRules(token: SecureMintToken, blockTag?: BlockTag): Promise<TokenRules> {
  const [reserveFeed, heartbeat, marginBps] = await token.reserveConfig({ blockTag })
  return { reserveFeed, heartbeat: Number(heartbeat), marginBps: Number(marginBps) }
}

/** The token's rules as its functions take them (`scheduleReserveConfig`, `setReserveConfig`, the constructor's tail). */
export function tokenRulesArgs(rules: TokenRules): [string, number, number] {
  return [rules.reserveFeed, rules.heartbeat, rules.marginBps]
}

/** The hash a scheduled reserve configuration is stored under: `keccak256(abi.encode(feed, heartbeat, margin))`. */
export function tokenRulesHash(rules: TokenRules): string {
  return keccak256(AbiCoder.defaultAbiCoder().encode(['address', 'uint32', 'uint16'], tokenRulesArgs(rules)))
}

/** The rules a `ReserveConfigScheduled` event names. */
export function scheduledTokenRules(args: {
  reserveFeed: string
  heartbeat: bigint
  marginBps: bigint
}): TokenRules {
  return {
    reserveFeed: args.reserveFeed,
    heartbeat: Number(args.heartbeat),
    marginBps: Number(args.marginBps),
  }
}

/** `feed 0x…, heartbeat 1 d, margin 50 bps` */
export function showTokenRules(rules: TokenRules): string {
  return `feed ${rules.reserveFeed}, heartbeat ${showDuration(rules.heartbeat)}, margin ${rules.marginBps} bps`
}

/** Whether an asset judges by the token's rules (the guard refuses to unpause a token whose rules differ). */
export function followsToken(config: AssetConfig, rules: TokenRules): boolean {
  return (
    config.reserveFeed === rules.reserveFeed &&
    config.heartbeat === rules.heartbeat &&
    config.marginBps === rules.marginBps
  )
}

function wholeNumber(options: ParsedOptions, name: string, max: number): number | undefined {
  const value = text(options, name)
  if (value === undefined) return undefined
  if (!/^\d+$/.test(value) || Number(value) > max) {
    throw new CliError(`--${name} must be a whole number from 0 to ${max}, got ${value}`, 'usage')
  }
  return Number(value)
}

function duration(options: ParsedOptions, name: string): number | undefined {
  const value = text(options, name)
  if (value === undefined) return undefined
  const seconds = parseDuration(value, `--${name}`)
  if (seconds === 0 || seconds > 0xffffffff) {
    throw new CliError(
      `--${name} must be more than 0 s and fit a uint32 (${showDuration(0xffffffff)})`,
      'usage',
    )
  }
  return seconds
}

/** The margin option: basis points over the supply (`uint16`). */
function marginOption(options: ParsedOptions): number | undefined {
  return wholeNumber(options, 'margin-bps', 0xffff)
}

/**
 * A SecureMintToken's rules from the options, over `base` (its present rules) when given; a new token needs
 * a feed and a heartbeat.
 */
export function tokenRulesFrom(options: ParsedOptions, base?: TokenRules): TokenRules {
  const reserveFeed = addressOption(options, 'feed') ?? base?.reserveFeed
  const heartbeat = duration(options, 'heartbeat') ?? base?.heartbeat
  const marginBps = marginOption(options) ?? base?.marginBps ?? 0
  if (!reserveFeed) throw new CliError("--feed <address> is required: the token's reserve feed", 'usage')
  if (heartbeat === undefined) {
    throw new CliError("--heartbeat <duration> is required: how old the feed's answer may be", 'usage')
  }
  return { reserveFeed, heartbeat, marginBps }
}

/**
 * The configuration the options ask for, over `base` (the asset's present configuration, for an update) or
 * the defaults of a new asset. For a `SecureMintToken`, the feed, heartbeat and margin are the token's own:
 * given otherwise, they are refused here, as the guard would refuse them (`TokenRulesMismatch`).
 */
export function chooseConfig(
  options: ParsedOptions,
  target: string,
  kind: TargetKind,
  token: TokenRules | undefined,
  base?: AssetConfig,
): ConfigChoice {
  const notes: string[] = []
  const feed = addressOption(options, 'feed')
  const heartbeat = duration(options, 'heartbeat')
  const margin = marginOption(options)
  const supplyFeed = addressOption(options, 'supply-feed')
  const supplyHeartbeat = duration(options, 'supply-heartbeat')
  const policy = text(options, 'stale-policy')
  const operations = text(options, 'operations')
  const pauseGas = text(options, 'pause-gas')

  if (token) {
    const differs = [
      feed !== undefined && feed !== token.reserveFeed
        ? `feed ${feed} (the token's: ${token.reserveFeed})`
        : '',
      heartbeat !== undefined && heartbeat !== token.heartbeat
        ? `heartbeat ${heartbeat} s (the token's: ${token.heartbeat} s)`
        : '',
      margin !== undefined && margin !== token.marginBps
        ? `margin ${margin} bps (the token's: ${token.marginBps} bps)`
        : '',
    ].filter(Boolean)
    if (differs.length > 0) {
      throw new CliError(
        `${target} is a SecureMintToken: the guard judges it by the token's own rules only (TokenRulesMismatch), ` +
          `and these differ: ${differs.join('; ')}. Change the token's first (schedule-reserve-config, then ` +
          `apply-reserve-config after its delay), or leave these options out`,
        'refused',
      )
    }
    if (!base && (feed === undefined || heartbeat === undefined || margin === undefined)) {
      notes.push(
        `the reserve feed, heartbeat and margin are the token's own (reserveConfig()): ${showTokenRules(token)}`,
      )
    }
  }
  const start =
    base ??
    assetConfig({
      reserveFeed: token?.reserveFeed ?? feed ?? '',
      supplySource: target,
      heartbeat: token?.heartbeat ?? 86_400,
      marginBps: token?.marginBps ?? 0,
      pauseMode: kind.pauseMode,
      operations: defaultOperations(kind.pauseMode),
    })
  if (!start.reserveFeed) throw new CliError('add-asset needs --feed <address>: the reserve feed', 'usage')
  const config: AssetConfig = { ...start, pauseMode: kind.pauseMode }
  if (feed !== undefined) config.reserveFeed = feed
  if (heartbeat !== undefined) config.heartbeat = heartbeat
  if (margin !== undefined) config.marginBps = margin
  if (token) {
    // A SecureMintToken's asset follows the token's rules, also when they changed since it was added.
    const follows =
      base &&
      (base.reserveFeed !== token.reserveFeed ||
        base.heartbeat !== token.heartbeat ||
        base.marginBps !== token.marginBps)
    config.reserveFeed = token.reserveFeed
    config.heartbeat = token.heartbeat
    config.marginBps = token.marginBps
    if (follows) notes.push("the reserve feed, heartbeat and margin follow the token's, which changed")
  }
  if (supplyFeed !== undefined) {
    if (supplyHeartbeat === undefined) {
      throw new CliError(
        '--supply-feed needs --supply-heartbeat <duration>: the supply feed may be stale too',
        'usage',
      )
    }
    config.supplyKind = SupplyKind.SupplyFeed
    config.supplySource = supplyFeed
    config.supplyHeartbeat = supplyHeartbeat
  } else if (supplyHeartbeat !== undefined) {
    if (config.supplyKind !== SupplyKind.SupplyFeed) {
      throw new CliError('--supply-heartbeat is for a supply feed (--supply-feed)', 'usage')
    }
    config.supplyHeartbeat = supplyHeartbeat
  }
  if (policy !== undefined) {
    if (policy !== 'fail-closed' && policy !== 'skip') {
      throw new CliError(`--stale-policy is fail-closed or skip, not ${policy}`, 'usage')
    }
    config.stalePolicy = policy === 'skip' ? StalePolicy.Skip : StalePolicy.FailClosed
  }
  if (operations !== undefined) config.operations = parseOperations(operations)
  else if (base && base.pauseMode !== kind.pauseMode) config.operations = defaultOperations(kind.pauseMode)
  if (kind.pauseMode !== PauseMode.Operations && config.operations !== 0n) {
    throw new CliError(`--operations: ${target} is paused whole (Pausable): leave --operations out`, 'usage')
  }
  if (kind.pauseMode === PauseMode.Operations && config.operations === 0n) {
    throw new CliError(
      `--operations: ${target} is paused by operation: name at least one of mint, redeem, burn`,
      'usage',
    )
  }
  let measurePauseGas = false
  if (pauseGas === 'measure' || (pauseGas === undefined && !base)) measurePauseGas = true
  else if (pauseGas !== undefined) {
    if (!/^\d+$/.test(pauseGas) || Number(pauseGas) > 0xffffffff) {
      throw new CliError(`--pause-gas is a whole amount of gas or measure, got ${pauseGas}`, 'usage')
    }
    config.pauseGas = Number(pauseGas)
  }
  return { config, measurePauseGas, notes }
}

/** The margin in words (`50 bps over the supply`). */
export function showMargin(config: AssetConfig): string {
  return config.marginBps === 0 ? 'no margin' : `${config.marginBps} bps over the supply`
}

/**
 * The least reserve ratio the rules accept, as a percent with two decimals (`100.50` for 50 bps), exact:
 * reserves × 10,000 ≥ supply × (10,000 + marginBps).
 */
export function requiredRatio(config: AssetConfig): string {
  const hundredths = 10_000 + config.marginBps
  return `${Math.floor(hundredths / 100)}.${String(hundredths % 100).padStart(2, '0')}`
}

/** The configuration in words, one field a line. */
export function describeConfig(config: AssetConfig): string[] {
  const supply =
    config.supplyKind === SupplyKind.SupplyFeed
      ? `the supply feed ${config.supplySource} (stale after ${showDuration(config.supplyHeartbeat)})`
      : `${config.supplySource}'s totalSupply()`
  const pause =
    config.pauseMode === PauseMode.Operations
      ? `${pauseModeName(config.pauseMode)}: ${operationNames(config.operations).join(', ')}`
      : pauseModeName(config.pauseMode)
  return [
    `reserve feed ${config.reserveFeed}, stale after ${showDuration(config.heartbeat)}`,
    `supply: ${supply}`,
    `stale or missing data: ${config.stalePolicy === StalePolicy.Skip ? 'skipped (no pause)' : 'pauses (fail-closed)'}`,
    `margin: ${showMargin(config)} (backed from ${requiredRatio(config)} %)`,
    `pause: ${pause}, with ${config.pauseGas.toLocaleString('en-US')} gas`,
  ]
}

/** The configuration as JSON, enums by name. */
export function configJson(config: AssetConfig): Record<string, unknown> {
  return {
    reserveFeed: config.reserveFeed,
    supplyKind: enumName(SupplyKind, config.supplyKind),
    supplySource: config.supplySource,
    heartbeat: config.heartbeat,
    supplyHeartbeat: config.supplyHeartbeat,
    stalePolicy: enumName(StalePolicy, config.stalePolicy),
    marginBps: config.marginBps,
    pauseMode: pauseModeName(config.pauseMode),
    operations: operationNames(config.operations),
    pauseGas: config.pauseGas,
  }
}

/** Whether two configurations are the same, field by field. */
export function sameConfig(a: AssetConfig, b: AssetConfig): boolean {
  return JSON.stringify(configJson(a)) === JSON.stringify(configJson(b))
}
