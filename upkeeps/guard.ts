/**
 * The guard as the tools see it: its assets and their verdict now (from its views `assetCount`, `assetAt`,
 * `assetStatus`, `isAssetPaused`), who may perform (`FORWARDER_ROLE`), and its events decoded.
 */
import { Contract, type BlockTag, type Log, type Provider, type Signer } from 'ethers'
import { compiledEnumMembers, linkTokenInterface } from '#chain/automation'
import { UpkeepsError } from './errors'
import { guardInterface, type PlannedTx } from './tx'

const RESERVE_CHECK = {
  artifact: 'ReserveGuard',
  path: 'contracts/libraries/ReserveCheck.sol',
  scope: 'ReserveCheck',
}

/** `ReserveCheck.Verdict` and `ReserveCheck.Reason` names, read from the compiled contracts. */
export function verdictNames(): string[] {
  return compiledEnumMembers({ ...RESERVE_CHECK, name: 'Verdict' })
}
export function reasonNames(): string[] {
  return compiledEnumMembers({ ...RESERVE_CHECK, name: 'Reason' })
}

/** How the status command words a verdict. */
const VERDICT_WORDS: Record<string, string> = { Backed: 'backed', Short: 'short', Skipped: 'stale (skipped)' }

export function guardContract(address: string, runner: Provider | Signer): Contract {
  return new Contract(address, guardInterface(), runner)
}

/**
 * The decimals of a feed or token, or undefined if it does not answer. `decimals()` is the same function on an
 * ERC-20 and on a feed, so LINK's compiled ABI serves for both.
 */
async function decimalsOf(provider: Provider, address: string): Promise<number | undefined> {
  const erc20 = linkTokenInterface()
  try {
    const raw = await provider.call({ to: address, data: erc20.encodeFunctionData('decimals') })
    return Number(erc20.decodeFunctionResult('decimals', raw)[0])
  } catch {
    return undefined
  }
}

export interface AssetState {
  target: string
  reserveFeed: string
  supplySource: string
  /** `TokenTotalSupply` or `SupplyFeed` */
  supplyKind: 'TokenTotalSupply' | 'SupplyFeed'
  verdict: string
  /** backed / short / stale (skipped) */
  verdictWords: string
  reason: string
  reserves: bigint
  supply: bigint
  reserveDecimals?: number
  supplyDecimals?: number
  paused: boolean
}

/** Checks that an address is a ReserveGuard (it answers `FORWARDER_ROLE()`), and returns the role. */
export async function forwarderRoleOf(guard: Contract): Promise<string> {
  const address = await guard.getAddress()
  const provider = guard.runner?.provider
  if (provider && (await provider.getCode(address)) === '0x') {
    throw new UpkeepsError(`the guard ${address} is not a contract on this chain`, 'usage')
  }
  try {
    return (await guard.FORWARDER_ROLE()) as string
  } catch {
    throw new UpkeepsError(`${address} is not a ReserveGuard: it does not answer FORWARDER_ROLE()`, 'usage')
  }
}

/** Every asset of a guard, with the check's verdict now. */
export async function readAssets(guard: Contract): Promise<AssetState[]> {
  const provider = guard.runner!.provider!
  const verdicts = verdictNames()
  const reasons = reasonNames()
  const count = Number(await guard.assetCount())
  const assets: AssetState[] = []
  for (let i = 0; i < count; i++) {
    const [target, config] = await guard.assetAt(i)
    const [verdict, reason, reserves, supply] = await guard.assetStatus(target)
    const supplyKind = Number(config.supplyKind) === 0 ? 'TokenTotalSupply' : 'SupplyFeed'
    const verdictName = verdicts[Number(verdict)] ?? `Verdict(${verdict})`
    assets.push({
      target,
      reserveFeed: config.reserveFeed,
      supplySource: config.supplySource,
      supplyKind,
      verdict: verdictName,
      verdictWords: VERDICT_WORDS[verdictName] ?? verdictName,
      reason: reasons[Number(reason)] ?? `Reason(${reason})`,
      reserves,
      supply,
      reserveDecimals: await decimalsOf(provider, config.reserveFeed),
      supplyDecimals: await decimalsOf(provider, config.supplySource),
      paused: await guard.isAssetPaused(target),
    })
  }
  return assets
}

/** Whether the guard accepts performUpkeep from `forwarder` (at `blockTag`, default the latest block). */
export async function hasForwarderRole(
  guard: Contract,
  forwarder: string,
  blockTag: BlockTag = 'latest',
): Promise<boolean> {
  return (await guard.hasRole(await forwarderRoleOf(guard), forwarder, { blockTag })) as boolean
}

/** `grantRole(FORWARDER_ROLE, forwarder)`; `whose` names the upkeep in the description (`upkeep 12`). */
export async function planGrantForwarder(
  guard: Contract,
  forwarder: string,
  whose: string,
): Promise<PlannedTx> {
  const role = await forwarderRoleOf(guard)
  return {
    to: await guard.getAddress(),
    value: 0n,
    data: guard.interface.encodeFunctionData('grantRole', [role, forwarder]),
    description: `grant FORWARDER_ROLE on the guard to ${whose}'s forwarder ${forwarder}`,
    iface: guard.interface,
  }
}

/**
 * A gas limit below one pause's worth (the guard's MIN_GAS_PER_ASSET + 50,000, docs/contracts.md), in words;
 * undefined when it is enough for at least one.
 */
export async function gasLimitWarning(
  guard: Contract,
  gasLimit: number | bigint,
): Promise<string | undefined> {
  const minimumGas = BigInt(await guard.MIN_GAS_PER_ASSET()) + 50_000n
  if (BigInt(gasLimit) >= minimumGas) return undefined
  return (
    `a gas limit of ${gasLimit} is below the ${minimumGas} one pause needs (MIN_GAS_PER_ASSET + 50,000): ` +
    `the guard would stop before pausing anything (PerformGasExhausted)`
  )
}

/** Whether `account` administers the guard's roles (and so may grant FORWARDER_ROLE). */
export async function isGuardAdmin(guard: Contract, account: string): Promise<boolean> {
  return (await guard.hasRole(await guard.DEFAULT_ADMIN_ROLE(), account)) as boolean
}

export interface GuardEvent {
  name: string
  args: Record<string, string>
  text: string
}

/** The guard's events among a receipt's logs, decoded (reasons by name). */
export function guardEvents(logs: readonly Log[], guardAddress: string): GuardEvent[] {
  const iface = guardInterface()
  const reasons = reasonNames()
  const events: GuardEvent[] = []
  for (const log of logs) {
    if (log.address.toLowerCase() !== guardAddress.toLowerCase()) continue
    const parsed = iface.parseLog(log)
    if (!parsed) continue
    const args: Record<string, string> = {}
    parsed.fragment.inputs.forEach((input, i) => {
      const value: unknown = parsed.args[i]
      args[input.name] =
        input.name === 'reason' ? (reasons[Number(value)] ?? String(value)) : String(value as string | bigint)
    })
    const shown = Object.entries(args)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')
    events.push({ name: parsed.name, args, text: `${parsed.name}(${shown})` })
  }
  return events
}
