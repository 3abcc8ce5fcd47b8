/**
 * The Solidity enums, operation flags, roles and structs of our contracts, mirrored once for TypeScript.
 * Enum members and flags are bigints, as ethers decodes them; a struct is mirrored by its field names
 * in declaration order (the order of the ABI tuple), and decoded by that order.
 *
 * chain/solidity-mirror.test.ts checks every mirror here against the compiled contracts (enum members,
 * flags and roles from the solc AST, struct fields from the ABI), so a reordered, renamed or added member
 * fails `npm test` instead of silently shifting a value.
 */
import { AbiCoder, ZeroHash, getAddress, id, toBeHex } from 'ethers'

/** `ReserveCheck.StalePolicy`: what stale data means for an asset. */
export const StalePolicy = { FailClosed: 0n, Skip: 1n } as const

/**
 * `ReserveCheck.MarginMode`: how much of the reserves the supply may take, Chainlink ACE's
 * `SecureMintPolicy.ReserveMarginMode` member for member (chain/ace-mirror.test.ts holds them equal), computed
 * exactly. With `m` the margin's amount and `s` the supply (with any amount being minted), backed iff:
 */
export const MarginMode = {
  /** `s ≤ reserves` (m = 0) */
  None: 0n,
  /** `s × 10 000 ≤ reserves × (10 000 − m)`, m ≤ 10 000 basis points */
  PositivePercentage: 1n,
  /** `s ≤ reserves − m` (or s = 0), m > 0 in supply units */
  PositiveAbsolute: 2n,
  /** `s × 10 000 ≤ reserves × (10 000 + m)`, m ≤ 10 000 basis points: supply above the reserves */
  NegativePercentage: 3n,
  /** `s ≤ reserves + m`, m > 0 in supply units: supply above the reserves */
  NegativeAbsolute: 4n,
} as const

/** `ReserveCheck.Verdict`: the outcome of a check. */
export const Verdict = { Backed: 0n, Short: 1n, Skipped: 2n } as const

/** `ReserveCheck.Reason`: why a check decided as it did, in rule order (`None` when backed). */
export const Reason = {
  None: 0n,
  ReserveFeedFailed: 1n,
  NonPositiveReserves: 2n,
  InvalidReserveTimestamp: 3n,
  SupplyFailed: 4n,
  NegativeSupply: 5n,
  InvalidSupplyTimestamp: 6n,
  StaleReserves: 7n,
  StaleSupply: 8n,
  UnsupportedDecimals: 9n,
  SupplyOverflow: 10n,
  InsufficientReserves: 11n,
} as const

/** `IReserveGuard.SupplyKind`: where an asset's supply is read. */
export const SupplyKind = { TokenTotalSupply: 0n, SupplyFeed: 1n } as const

/**
 * `IReserveGuard.PauseMode`: how an asset is paused: `pauseOperations(mask)`, `pause()`, or `setPausedState(true)` on
 * a Chainlink ACE PausePolicy run first on its token's `mint`.
 */
export const PauseMode = { Operations: 0n, Pausable: 1n, AcePausePolicy: 2n } as const

/** `IReserveGuard.Hold`: who holds a pause the guard made. */
export const Hold = { Upkeep: 0n, Guardian: 1n } as const

/** `DelayedChange.Status`: whether a scheduled change (an asset update, a reserve configuration) applies now. */
export const ChangeStatus = { NotScheduled: 0n, NotReady: 1n, Expired: 2n, Ready: 3n } as const

/** `MockReserveFeed.Failure`: how the test feed misbehaves. */
export const FeedFailure = {
  None: 0n,
  Revert: 1n,
  ShortReturn: 2n,
  RevertDecimals: 3n,
  OversizedDecimals: 4n,
  BurnGas: 5n,
} as const

/** `MockMisbehavingTarget.Behaviour`: how the test target misbehaves. */
export const TargetBehaviour = {
  Normal: 0n,
  SilentFallback: 1n,
  Undecodable: 2n,
  BurnGas: 3n,
  HugeRevert: 4n,
  Revert: 5n,
  BurnGasInViews: 6n,
  BurnGasInSupply: 7n,
} as const

/**
 * The operation flags of `IOperationsPausable` (file-level constants of IOperationsPausable.sol):
 * `OPERATION_MINT`, `OPERATION_REDEEM`, `OPERATION_BURN` and `ALL_OPERATIONS`.
 */
export const Operation = { Mint: 1n, Redeem: 2n, Burn: 4n, All: 7n } as const

/**
 * The access-control roles of our contracts (`<NAME>_ROLE` constants, `keccak256("<NAME>_ROLE")`) and
 * OpenZeppelin's `DEFAULT_ADMIN_ROLE` (0).
 */
export const Role = {
  DEFAULT_ADMIN: ZeroHash,
  /** ReserveGuard: may call performUpkeep (the Automation forwarders). */
  FORWARDER: id('FORWARDER_ROLE'),
  /** ReserveGuard: may pause an asset by hand. */
  GUARDIAN: id('GUARDIAN_ROLE'),
  /** ReserveGuard: may unpause a backed asset. */
  UNPAUSER: id('UNPAUSER_ROLE'),
  /** SecureMintToken: may mint. */
  MINTER: id('MINTER_ROLE'),
  /** SecureMintToken, MockPausableAsset: may pause and unpause. */
  PAUSER: id('PAUSER_ROLE'),
  /** PoRAddressList: may edit the list. */
  LIST_MANAGER: id('LIST_MANAGER_ROLE'),
  /** ReportReceiver (ReserveGuard): sets the CRE forwarder, allows and disallows workflows. */
  RECEIVER_ADMIN: id('RECEIVER_ADMIN_ROLE'),
} as const

export type StalePolicyValue = (typeof StalePolicy)[keyof typeof StalePolicy]
export type MarginModeValue = (typeof MarginMode)[keyof typeof MarginMode]
export type VerdictValue = (typeof Verdict)[keyof typeof Verdict]
export type ReasonName = keyof typeof Reason
export type ReasonValue = (typeof Reason)[ReasonName]
export type SupplyKindValue = (typeof SupplyKind)[keyof typeof SupplyKind]
export type PauseModeValue = (typeof PauseMode)[keyof typeof PauseMode]

/**
 * The member name of an enum value (`enumName(Reason, 11n)` is `'InsufficientReserves'`), for logs and
 * reports. A value the mirror does not know is an error: it means the contract has a member we do not.
 */
export function enumName<E extends Record<string, bigint>>(mirror: E, value: bigint): keyof E & string {
  const name = Object.keys(mirror).find((key) => mirror[key] === value)
  if (name === undefined)
    throw new Error(`no member with value ${value} in ${Object.keys(mirror).join(', ')}`)
  return name
}

// ---------------------------------------------------------------- structs

/** `IReserveGuard.AssetConfig` fields, in declaration order. */
export const ASSET_CONFIG_FIELDS = [
  'reserveFeed',
  'supplyKind',
  'supplySource',
  'heartbeat',
  'supplyHeartbeat',
  'stalePolicy',
  'marginMode',
  'marginAmount',
  'pauseMode',
  'operations',
  'pauseGas',
] as const

/** `DelayedChange.Pending` fields, in declaration order: a scheduled change, from when and until when it applies. */
export const PENDING_CHANGE_FIELDS = ['change', 'readyAt', 'expiresAt'] as const

/** `ReserveCheck.Result` fields, in declaration order. */
export const RESULT_FIELDS = ['verdict', 'reason', 'reserves', 'supply'] as const

/** `ReserveCheck.Reading` fields, in declaration order. */
export const READING_FIELDS = ['ok', 'answer', 'updatedAt', 'decimals'] as const

/** `ReserveCheck.Rules` fields, in declaration order. */
export const RULES_FIELDS = [
  'heartbeat',
  'supplyHeartbeat',
  'stalePolicy',
  'marginMode',
  'marginAmount',
] as const

/** A margin: its {@link MarginMode} and its amount (basis points for a percentage, supply units otherwise). */
export interface Margin {
  marginMode: bigint
  /** 0 for `None`; at most 10 000 (basis points) for a percentage; more than 0 (supply units) for an absolute one. */
  marginAmount: bigint
}

/** No margin: the supply may take the whole reserves. */
export const NO_MARGIN: Margin = { marginMode: MarginMode.None, marginAmount: 0n }

/**
 * Our margin before ACE's modes were adopted, `marginBps` m (reserves × 10 000 ≥ supply × (10 000 + m): m basis
 * points of reserves **over the supply**), as the ACE mode that is at least as strict: `PositivePercentage`
 * ⌈m × 10⁴ / (10⁴ + m)⌉, which takes its basis points **off the reserves** (m of ours is m / (1 + m) of ACE's);
 * `None` for 0. Where 10⁴ + m divides 10⁸ (m = 2 500, 10 000, …) the two are the same limit; otherwise the mode
 * allows less than a basis point of the reserves less than the old margin did.
 */
export function marginFromBps(marginBps: number | bigint): Margin {
  const m = BigInt(marginBps)
  if (m < 0n) throw new Error(`a margin in basis points is not negative: ${marginBps}`)
  if (m === 0n) return NO_MARGIN
  const scaled = m * 10_000n
  const denominator = 10_000n + m
  return {
    marginMode: MarginMode.PositivePercentage,
    marginAmount: (scaled + denominator - 1n) / denominator,
  }
}

/** A protected asset's configuration (`IReserveGuard.AssetConfig`), as the guard takes it. */
export interface AssetConfig {
  reserveFeed: string
  supplyKind: bigint
  supplySource: string
  /** Seconds after which the reserve feed's answer is stale (`uint32`). */
  heartbeat: number
  /**
   * Seconds after which the supply feed's answer is stale (`uint32`): non-zero for `SupplyKind.SupplyFeed`
   * (its own cadence), 0 for `TokenTotalSupply` (read live).
   */
  supplyHeartbeat: number
  stalePolicy: bigint
  /** How much of the reserves the supply may take ({@link MarginMode}; a negative mode only by a scheduled update). */
  marginMode: bigint
  /** The margin: basis points (≤ 10 000) for a percentage, supply units (> 0) for an absolute margin, 0 for `None`. */
  marginAmount: bigint
  pauseMode: bigint
  /** For `PauseMode.Operations`: a non-empty mask of {@link Operation} flags; for the other modes: 0. */
  operations: bigint
  /**
   * The gas the target's pause is given by the upkeep (`uint32`), from the guard's `MIN_PAUSE_GAS` to
   * `MAX_PAUSE_GAS`: more for a target whose pause does more than a role check, a write and an event.
   */
  pauseGas: number
}

/** The guard's `MIN_PAUSE_GAS`, the {@link assetConfig} builder's pause gas: enough for a token's usual pause. */
export const DEFAULT_PAUSE_GAS = 100_000

/**
 * An asset configuration with the usual defaults: supply read from a token's `totalSupply()` (so no supply
 * heartbeat), a one-day heartbeat, stale data counted as short, no margin, mint and redeem paused, with
 * {@link DEFAULT_PAUSE_GAS}. Burning is left open: it only ever improves the backing, and is the issuer's way
 * back to it (docs/contracts.md).
 */
export function assetConfig(
  fields: Partial<AssetConfig> & Pick<AssetConfig, 'reserveFeed' | 'supplySource'>,
): AssetConfig {
  return {
    supplyKind: SupplyKind.TokenTotalSupply,
    heartbeat: 86_400,
    supplyHeartbeat: 0,
    stalePolicy: StalePolicy.FailClosed,
    ...NO_MARGIN,
    pauseMode: PauseMode.Operations,
    operations: Operation.Mint | Operation.Redeem,
    pauseGas: DEFAULT_PAUSE_GAS,
    ...fields,
  }
}

/** A decoded `ReserveCheck.Result`: the decision, with what it was made on. */
export interface CheckResult {
  verdict: bigint
  reason: bigint
  /** The reserve feed's answer (0 if it could not be read). */
  reserves: bigint
  /** The supply read (0 if it could not be read), without any amount being minted. */
  supply: bigint
}

/** A decoded `ReserveCheck.Reading`: one observation of a feed or of a token's supply. */
export interface Reading {
  ok: boolean
  answer: bigint
  updatedAt: bigint
  decimals: bigint
}

/** Reads a struct returned by ethers (an array in declaration order) into an object keyed by `fields`. */
function fromTuple<F extends readonly string[], T>(fields: F, raw: unknown, struct: string): T {
  if (!Array.isArray(raw)) throw new Error(`${struct}: expected a tuple`)
  const values = [...(raw as unknown[])]
  if (values.length !== fields.length) {
    throw new Error(`${struct}: expected ${fields.length} fields, got ${values.length}`)
  }
  return Object.fromEntries(fields.map((field, i) => [field, values[i]])) as T
}

/** Decodes a `ReserveCheck.Result` (as returned by `assetStatus`, the harness, or an event). */
export function toResult(raw: unknown): CheckResult {
  return fromTuple(RESULT_FIELDS, raw, 'ReserveCheck.Result')
}

/**
 * Decodes an `IReserveGuard.AssetConfig` (as returned by `assetConfig`, `assetAt` or in `AssetAdded`);
 * `heartbeat`, `supplyHeartbeat` and `pauseGas` (`uint32`) come back as numbers, exactly.
 */
export function toAssetConfig(raw: unknown): AssetConfig {
  const config = fromTuple<typeof ASSET_CONFIG_FIELDS, Record<string, unknown>>(
    ASSET_CONFIG_FIELDS,
    raw,
    'IReserveGuard.AssetConfig',
  )
  return {
    ...(config as unknown as AssetConfig),
    heartbeat: Number(config.heartbeat as bigint),
    supplyHeartbeat: Number(config.supplyHeartbeat as bigint),
    pauseGas: Number(config.pauseGas as bigint),
  }
}

/** A decoded `DelayedChange.Pending`: a scheduled change (all zero when none). */
export interface PendingChange {
  /** `keccak256` of what is to be applied (an asset update's configuration, or a marker). */
  change: string
  /** The first second (unix time) it can be applied. */
  readyAt: bigint
  /** The last second it can be applied. */
  expiresAt: bigint
}

/** Decodes a `DelayedChange.Pending` (as `pendingAssetChange` and `pendingReserveConfig` return it). */
export function toPendingChange(raw: unknown): PendingChange {
  return fromTuple(PENDING_CHANGE_FIELDS, raw, 'DelayedChange.Pending')
}

/** Decodes a `ReserveCheck.Reading`. */
export function toReading(raw: unknown): Reading {
  return fromTuple(READING_FIELDS, raw, 'ReserveCheck.Reading')
}

// ---------------------------------------------------------------- ReserveGuard performData

/**
 * One asset in ReserveGuard's `performData`: the target to pause, and its registry index, a hint that
 * spares performUpkeep a lookup (the guard checks it names the same target, and looks the target up if
 * not).
 */
export interface UpkeepEntry {
  target: string
  index: bigint
}

const ADDRESS_BITS = 160n
const ADDRESS_MASK = (1n << ADDRESS_BITS) - 1n

/**
 * ReserveGuard's `checkData` bounding what one check returns: `abi.encode(uint256 maxEntries)`, with
 * `1 ≤ maxEntries ≤ MAX_ENTRIES` (60; empty checkData means `DEFAULT_MAX_ENTRIES`). performData is then at
 * most `64 + 32 × maxEntries` bytes: keep that within the registry's `maxPerformDataSize` (the guard refuses
 * more than fits 2,000 bytes).
 */
export function encodeCheckData(maxEntries: bigint | number): string {
  return AbiCoder.defaultAbiCoder().encode(['uint256'], [maxEntries])
}

/** The most bytes of performData a check bounded to `maxEntries` returns. */
export const performDataSize = (maxEntries: bigint | number): number => 64 + 32 * Number(maxEntries)

/** `performData` as checkUpkeep returns it: `abi.encode(uint256[])`, each `uint160(target) | index << 160`. */
export function encodePerformData(entries: readonly UpkeepEntry[]): string {
  const words = entries.map(({ target, index }) => BigInt(getAddress(target)) | (index << ADDRESS_BITS))
  return AbiCoder.defaultAbiCoder().encode(['uint256[]'], [words])
}

/** The entries of a checkUpkeep or checkLog `performData` (empty `0x` when no upkeep is needed). */
export function decodePerformData(performData: string): UpkeepEntry[] {
  if (performData === '0x') return []
  const [words] = AbiCoder.defaultAbiCoder().decode(['uint256[]'], performData) as unknown as [bigint[]]
  return [...words].map((word) => ({
    target: getAddress(toBeHex(word & ADDRESS_MASK, 20)),
    index: word >> ADDRESS_BITS,
  }))
}
