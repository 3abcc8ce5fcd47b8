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
import {
  MarginMode,
  NO_MARGIN,
  PauseMode,
  StalePolicy,
  SupplyKind,
  assetConfig,
  enumName,
  type AssetConfig,
  type Margin,
} from '#chain/types'
import { parseDuration, showDuration } from './format'
import { addressOption, text } from './session'
import {
  defaultOperations,
  operationNames,
  parseOperations,
  pauseModeName,
  type TargetKind,
} from './pause-mode'

/** The words issuers know from Chainlink ACE's `SecureMintPolicy.ReserveMarginMode`, as the option takes them. */
const MARGIN_MODE_WORDS =
  'none, positive-percentage, positive-absolute, negative-percentage, negative-absolute'

/** `--margin-mode` and `--margin-amount`, with what a left-out margin means (`fallback`). */
function marginOptions(fallback: string): OptionSpec[] {
  return [
    {
      name: 'margin-mode',
      value: 'mode',
      description:
        `how much of the reserves the supply may take, by Chainlink ACE's ReserveMarginMode: ${MARGIN_MODE_WORDS} ` +
        `(a negative mode lets the supply exceed the reserves: only by a scheduled change); ${fallback}`,
    },
    {
      name: 'margin-amount',
      value: 'amount',
      description:
        "the margin: basis points for a percentage mode (50 = 0.5 %, at most 10000), the supply's smallest units " +
        "for an absolute one (more than 0), as ACE's reserveMarginAmount; left out for none",
    },
  ]
}

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
  ...marginOptions("a SecureMintToken's own when left out, else none"),
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
    name: 'policy-token',
    value: 'address',
    description:
      "for a Chainlink ACE PausePolicy target: the token whose mint(address,uint256) it guards, first in the token's PolicyEngine (the asset's supply)",
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
  ...marginOptions('default none'),
]

/** A configuration with its fields checked and its defaults applied, and how its pause gas is to be found. */
export interface ConfigChoice {
  config: AssetConfig
  /** the pause gas is to be measured from the guard before the configuration is sent */
  measurePauseGas: boolean
  /** what was taken from where, in words */
  notes: string[]
}

/** A SecureMintToken's own rules (`reserveConfig()`): its feed, heartbeat and margin. */
export interface TokenRules extends Margin {
  reserveFeed: string
  heartbeat: number
}

/** A SecureMintToken's rules now (`reserveConfig()`). */
export async function readTokenRules(token: SecureMintToken, blockTag?: BlockTag): Promise<TokenRules> {
  const [reserveFeed, heartbeat, marginMode, marginAmount] = await token.reserveConfig({ blockTag })
  return scheduledTokenRules({ reserveFeed, heartbeat, marginMode, marginAmount })
}

/** The token's rules as its functions take them (`scheduleReserveConfig`, `setReserveConfig`, the constructor's tail). */
export function tokenRulesArgs(rules: TokenRules): [string, number, bigint, bigint] {
  return [rules.reserveFeed, rules.heartbeat, rules.marginMode, rules.marginAmount]
}

/**
 * The hash a scheduled reserve configuration is stored under:
 * `keccak256(abi.encode(feed, heartbeat, marginMode, marginAmount))`.
 */
export function tokenRulesHash(rules: TokenRules): string {
  return keccak256(
    AbiCoder.defaultAbiCoder().encode(['address', 'uint32', 'uint8', 'uint256'], tokenRulesArgs(rules)),
  )
}

/** The rules a `ReserveConfigScheduled` event (or `reserveConfig()`) names. */
export function scheduledTokenRules(args: {
  reserveFeed: string
  heartbeat: bigint
  marginMode: bigint
  marginAmount: bigint
}): TokenRules {
  return {
    reserveFeed: args.reserveFeed,
    heartbeat: Number(args.heartbeat),
    marginMode: args.marginMode,
    marginAmount: args.marginAmount,
  }
}

/** `feed 0x…, heartbeat 1 d, margin PositivePercentage 50 bps` */
export function showTokenRules(rules: TokenRules): string {
  return `feed ${rules.reserveFeed}, heartbeat ${showDuration(rules.heartbeat)}, margin ${showMargin(rules)}`
}

function sameMargin(a: Margin, b: Margin): boolean {
  return a.marginMode === b.marginMode && a.marginAmount === b.marginAmount
}

/** Whether an asset judges by the token's rules (the guard refuses to unpause a token whose rules differ). */
export function followsToken(config: AssetConfig, rules: TokenRules): boolean {
  return (
    config.reserveFeed === rules.reserveFeed &&
    config.heartbeat === rules.heartbeat &&
    sameMargin(config, rules)
  )
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

/** A margin mode from its option (`positive-percentage`, or ACE's own spelling `PositivePercentage`). */
function parseMarginMode(value: string): bigint {
  const wanted = value.replace(/-/g, '').toLowerCase()
  const name = Object.keys(MarginMode).find((key) => key.toLowerCase() === wanted)
  if (name === undefined)
    throw new CliError(`--margin-mode is one of ${MARGIN_MODE_WORDS}, not ${value}`, 'usage')
  return MarginMode[name as keyof typeof MarginMode]
}

function isPercentage(mode: bigint): boolean {
  return mode === MarginMode.PositivePercentage || mode === MarginMode.NegativePercentage
}

function isNegative(mode: bigint): boolean {
  return mode === MarginMode.NegativePercentage || mode === MarginMode.NegativeAbsolute
}

/**
 * The margin the options ask for, over `base` (an amount alone keeps the present mode), checked as the contracts
 * check it (`ReserveCheck.requireValidMargin`); undefined when neither option is given.
 */
function marginOption(options: ParsedOptions, base: Margin | undefined): Margin | undefined {
  const modeText = text(options, 'margin-mode')
  const amountText = text(options, 'margin-amount')
  if (modeText === undefined && amountText === undefined) return undefined
  const marginMode =
    modeText !== undefined ? parseMarginMode(modeText) : (base?.marginMode ?? MarginMode.None)
  if (amountText !== undefined && !/^\d+$/.test(amountText)) {
    throw new CliError(`--margin-amount is a whole number, got ${amountText}`, 'usage')
  }
  const name = enumName(MarginMode, marginMode)
  if (marginMode === MarginMode.None) {
    if (amountText !== undefined && BigInt(amountText) !== 0n) {
      throw new CliError(
        '--margin-amount: there is no margin to give an amount (--margin-mode none)',
        'usage',
      )
    }
    return NO_MARGIN
  }
  if (amountText === undefined) {
    throw new CliError(
      `--margin-mode ${modeText} needs --margin-amount: ${isPercentage(marginMode) ? 'basis points' : "the supply's smallest units"}`,
      'usage',
    )
  }
  const marginAmount = BigInt(amountText)
  if (isPercentage(marginMode) ? marginAmount > 10_000n : marginAmount === 0n) {
    throw new CliError(
      `--margin-amount for ${name} is ${isPercentage(marginMode) ? 'at most 10000 basis points' : 'more than 0'}, got ${amountText}`,
      'usage',
    )
  }
  return { marginMode, marginAmount }
}

/**
 * Refuses a negative margin where the contracts do (`NegativeMarginNotScheduled`): letting the supply exceed the
 * reserves is announced before it applies, so only a scheduled change sets it (`where`: the command's words).
 */
function requireNotNegative(margin: Margin, where: string): void {
  if (!isNegative(margin.marginMode)) return
  throw new CliError(
    `${where} cannot take a negative margin (${enumName(MarginMode, margin.marginMode)}): it lets the supply exceed ` +
      'the reserves, which the contracts accept only by a scheduled change (NegativeMarginNotScheduled). Start ' +
      'with none or a positive margin, then schedule-update (an asset) or schedule-reserve-config (a token)',
    'refused',
  )
}

/**
 * A SecureMintToken's rules from the options, over `base` (its present rules) when given; a new token needs
 * a feed and a heartbeat.
 */
export function tokenRulesFrom(options: ParsedOptions, base?: TokenRules): TokenRules {
  const reserveFeed = addressOption(options, 'feed') ?? base?.reserveFeed
  const heartbeat = duration(options, 'heartbeat') ?? base?.heartbeat
  const margin = marginOption(options, base) ?? base ?? NO_MARGIN
  if (!reserveFeed) throw new CliError("--feed <address> is required: the token's reserve feed", 'usage')
  if (heartbeat === undefined) {
    throw new CliError("--heartbeat <duration> is required: how old the feed's answer may be", 'usage')
  }
  if (!base) requireNotNegative(margin, 'a new SecureMintToken')
  return { reserveFeed, heartbeat, marginMode: margin.marginMode, marginAmount: margin.marginAmount }
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
  const margin = marginOption(options, base)
  const supplyFeed = addressOption(options, 'supply-feed')
  const policyToken = addressOption(options, 'policy-token')
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
      margin !== undefined && !sameMargin(margin, token)
        ? `margin ${showMargin(margin)} (the token's: ${showMargin(token)})`
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
      marginMode: token?.marginMode ?? MarginMode.None,
      marginAmount: token?.marginAmount ?? 0n,
      pauseMode: kind.pauseMode,
      operations: defaultOperations(kind.pauseMode),
    })
  if (!start.reserveFeed) throw new CliError('add-asset needs --feed <address>: the reserve feed', 'usage')
  const config: AssetConfig = { ...start, pauseMode: kind.pauseMode }
  if (feed !== undefined) config.reserveFeed = feed
  if (heartbeat !== undefined) config.heartbeat = heartbeat
  if (margin !== undefined) Object.assign(config, margin)
  if (!base) requireNotNegative(config, 'add-asset')
  if (token) {
    // A SecureMintToken's asset follows the token's rules, also when they changed since it was added.
    const follows =
      base &&
      (base.reserveFeed !== token.reserveFeed ||
        base.heartbeat !== token.heartbeat ||
        !sameMargin(base, token))
    config.reserveFeed = token.reserveFeed
    config.heartbeat = token.heartbeat
    config.marginMode = token.marginMode
    config.marginAmount = token.marginAmount
    if (follows) notes.push("the reserve feed, heartbeat and margin follow the token's, which changed")
  }
  if (kind.pauseMode === PauseMode.AcePausePolicy) {
    // The policy guards its token's mint: the supply is that token's totalSupply() (the guard refuses a feed).
    if (supplyFeed !== undefined || supplyHeartbeat !== undefined) {
      throw new CliError(
        `--supply-feed: ${target} is an ACE PausePolicy, whose asset's supply is its token's totalSupply()`,
        'usage',
      )
    }
    const token =
      policyToken ?? (base?.pauseMode === PauseMode.AcePausePolicy ? base.supplySource : undefined)
    if (token === undefined) {
      throw new CliError(
        `--policy-token <address> is required: ${target} is an ACE PausePolicy; name the token whose mint it guards`,
        'usage',
      )
    }
    config.supplyKind = SupplyKind.TokenTotalSupply
    config.supplySource = token
    config.supplyHeartbeat = 0
  } else if (policyToken !== undefined) {
    throw new CliError(`--policy-token is for an ACE PausePolicy target; ${target} is not one`, 'usage')
  } else if (supplyFeed !== undefined) {
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
    throw new CliError(
      `--operations: ${target} is paused whole (${pauseModeName(kind.pauseMode)}): leave --operations out`,
      'usage',
    )
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

/** The margin by its mode's name, with its amount's unit (`PositivePercentage 50 bps`, `None`). */
export function showMargin(margin: Margin): string {
  const name = enumName(MarginMode, margin.marginMode)
  if (margin.marginMode === MarginMode.None) return name
  return isPercentage(margin.marginMode)
    ? `${name} ${margin.marginAmount} bps`
    : `${name} ${margin.marginAmount} of the supply's smallest units`
}

/**
 * The least reserve ratio a percentage margin accepts, as a percent rounded up to two decimals (`100.51` for
 * PositivePercentage 50: supply × 10,000 ≤ reserves × 9,950); undefined for an absolute margin, which no ratio
 * states, and for PositivePercentage 10000, which accepts no supply at all.
 */
export function requiredRatio(config: Margin): string | undefined {
  const { marginMode, marginAmount } = config
  if (marginMode === MarginMode.PositiveAbsolute || marginMode === MarginMode.NegativeAbsolute)
    return undefined
  const share =
    marginMode === MarginMode.None ? 10_000n : 10_000n + (isNegative(marginMode) ? 1n : -1n) * marginAmount
  if (share === 0n) return undefined
  const hundredths = (100_000_000n + share - 1n) / share
  return `${hundredths / 100n}.${String(hundredths % 100n).padStart(2, '0')}`
}

/** When the margin counts an asset backed, in words (`backed from 100.51 %`). */
export function backedWhen(config: Margin): string {
  const ratio = requiredRatio(config)
  if (ratio !== undefined) return `backed from ${ratio} %`
  if (config.marginMode === MarginMode.PositivePercentage) return 'backed only with no supply'
  const sign = config.marginMode === MarginMode.PositiveAbsolute ? '-' : '+'
  return `backed while supply ≤ reserves ${sign} ${config.marginAmount} of the supply's smallest units`
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
    `margin: ${showMargin(config)} (${backedWhen(config)})`,
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
    marginMode: enumName(MarginMode, config.marginMode),
    marginAmount: config.marginAmount.toString(),
    pauseMode: pauseModeName(config.pauseMode),
    operations: operationNames(config.operations),
    pauseGas: config.pauseGas,
  }
}

/** Whether two configurations are the same, field by field. */
export function sameConfig(a: AssetConfig, b: AssetConfig): boolean {
  return JSON.stringify(configJson(a)) === JSON.stringify(configJson(b))
}
