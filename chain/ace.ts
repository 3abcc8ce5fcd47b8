/**
 * Chainlink ACE's types (`@chainlink/ace` 1.0.0), mirrored once for TypeScript: the enums and structs of the
 * policies we deploy, the policy engine's roles, and the encoding of the policies' configurations (each policy
 * takes its configuration as `bytes` in `initialize(policyEngine, owner, configParams)`).
 *
 * chain/ace-mirror.test.ts checks every mirror here against ACE's compiled sources (enum members and struct
 * fields from the solc AST), so a new ACE release that reorders a member fails `npm test`.
 */
import { AbiCoder, id } from 'ethers'
import { MarginMode } from './types'

/**
 * `SecureMintPolicy.ReserveMarginMode`: how the mintable supply is derived from the reserves (`margin` is the
 * policy's `reserveMarginAmount`; percentages are in basis points, at most 10 000). ACE rounds down at each step:
 * - `None`: mintable = reserves;
 * - `PositivePercentage`: mintable = ⌊reserves × (10 000 − margin) / 10 000⌋;
 * - `PositiveAbsolute`: mintable = reserves − margin (0 when reserves < margin); margin > 0;
 * - `NegativePercentage`: mintable = ⌊reserves × (10 000 + margin) / 10 000⌋: more than the reserves;
 * - `NegativeAbsolute`: mintable = reserves + margin; margin > 0.
 *
 * Our rules adopted these modes member for member (`ReserveCheck.MarginMode`, computed exactly): this is the same
 * object as {@link MarginMode}, and chain/ace-mirror.test.ts and chain/solidity-mirror.test.ts hold each
 * contract's enum to it.
 */
export const ReserveMarginMode = MarginMode

export type ReserveMarginModeValue = (typeof ReserveMarginMode)[keyof typeof ReserveMarginMode]

/**
 * `IPolicyEngine.PolicyResult`: what a policy's `run` returns when it does not reject (a rejection is the
 * revert `PolicyRejected(reason)`). `Allowed` ends the chain and allows the call; `Continue` asks the next
 * policy, and after the last one the engine's default (allow or reject).
 */
export const PolicyResult = { None: 0n, Allowed: 1n, Continue: 2n } as const

/** The PolicyEngine's roles (`<NAME>_ROLE` constants, `keccak256("<NAME>_ROLE")`); its initial owner holds all. */
export const AceRole = {
  /** Attaches and removes policies, sets extractors, mappers and the default result. */
  ADMIN: id('ADMIN_ROLE'),
  /** Calls a policy's setters through `setPolicyConfiguration`. */
  POLICY_CONFIG_ADMIN: id('POLICY_CONFIG_ADMIN_ROLE'),
} as const

/** `SecureMintPolicy.ReserveMarginConfigs` fields, in declaration order. */
export const RESERVE_MARGIN_CONFIGS_FIELDS = ['reserveMarginMode', 'reserveMarginAmount'] as const

/** `SecureMintPolicy.TokenMetadata` fields, in declaration order. */
export const TOKEN_METADATA_FIELDS = ['tokenAddress', 'tokenDecimals'] as const

/** A SecureMintPolicy's configuration, as its `configure` decodes it. */
export interface SecureMintPolicyConfig {
  /** The reserve feed (an AggregatorV3Interface), read with `latestRoundData()` and `decimals()` on every mint. */
  reservesFeed: string
  marginMode: ReserveMarginModeValue
  /** Basis points for the percentage modes (≤ 10 000), token units for the absolute ones (> 0); 0 for None. */
  marginAmount: bigint
  /** Seconds after which the feed's answer is refused; 0 accepts an answer of any age. */
  maxStalenessSeconds: bigint
  /** The protected token, and its decimals (1–18; checked against the token's `decimals()` if it has one). */
  token: string
  tokenDecimals: number
}

/**
 * `SecureMintPolicy`'s `configParams`: `abi.encode(address reservesFeed, ReserveMarginConfigs,
 * uint256 maxStalenessSeconds, TokenMetadata)`.
 */
export function encodeSecureMintPolicyConfig(config: SecureMintPolicyConfig): string {
  return AbiCoder.defaultAbiCoder().encode(
    ['address', 'tuple(uint8, uint256)', 'uint256', 'tuple(address, uint8)'],
    [
      config.reservesFeed,
      [config.marginMode, config.marginAmount],
      config.maxStalenessSeconds,
      [config.token, config.tokenDecimals],
    ],
  )
}

/** `PausePolicy`'s `configParams`: `abi.encode(bool paused)`, its initial state. */
export function encodePausePolicyConfig(paused: boolean): string {
  return AbiCoder.defaultAbiCoder().encode(['bool'], [paused])
}
