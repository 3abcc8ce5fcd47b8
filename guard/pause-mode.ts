/**
 * How a target is paused, found from the target itself, and the one place that knows each pause mode's calls
 * (as contracts/libraries/PauseTarget.sol is on-chain): a `SecureMintToken` or another `IOperationsPausable`
 * token declares itself through ERC-165 and is paused by operation (`Operations`); an OpenZeppelin `Pausable`
 * contract answers `paused()` with a bool and is paused whole (`Pausable`); a Chainlink ACE `PausePolicy` answers
 * `s_paused()` with a bool and pauses its token's `mint` (`AcePausePolicy`: the asset's supply is that token, named
 * with `--policy-token`, and the policy must run first on its mint). A target that answers none of these is
 * refused: the guard could never show it paused. Adding a pause mode is one more {@link TargetKind} and a
 * detector in {@link detectTarget}.
 */
import { ZeroAddress, type BlockTag, type Provider } from 'ethers'
import {
  interfaceId,
  operationsPausableAt,
  pausableAt,
  pausePolicyAt,
  secureMintTokenAt,
  type IOperationsPausable,
  type IPausable,
} from '#chain/contracts'
import { Operation, PauseMode, enumName, type PauseModeValue } from '#chain/types'
import { CliError } from '#devkit/cli'

/** What a target is, as far as pausing it goes. */
export interface TargetKind {
  /** `SecureMintToken`: its rules (feed, heartbeat, margin) must be the asset's, and it says who paused what */
  kind: 'SecureMintToken' | 'IOperationsPausable' | 'Pausable' | 'AcePausePolicy'
  pauseMode: PauseModeValue
  /** how it was recognised, in words */
  evidence: string
}

/** ERC-165's own interface id, and the id no contract may claim (EIP-165, "How to detect"). */
const ERC165_ID = '0x01ffc9a7'
const INVALID_ID = '0xffffffff'

/** `supportsInterface(id)`, or false when the target does not answer it. */
async function supports(
  provider: Provider,
  target: string,
  id: string,
  blockTag?: BlockTag,
): Promise<boolean> {
  try {
    return await secureMintTokenAt(target, provider).supportsInterface(id, { blockTag })
  } catch {
    return false
  }
}

/** Whether the target implements ERC-165 and claims `id`, as EIP-165 says to ask. */
async function declares(
  provider: Provider,
  target: string,
  id: string,
  blockTag?: BlockTag,
): Promise<boolean> {
  return (
    (await supports(provider, target, ERC165_ID, blockTag)) &&
    !(await supports(provider, target, INVALID_ID, blockTag)) &&
    (await supports(provider, target, id, blockTag))
  )
}

/** The calldata of the view that tells a target of this mode paused (PauseTarget.sol's `readState`). */
function stateCalldata(mode: bigint): string {
  return mode === PauseMode.AcePausePolicy
    ? pausePolicyAt(ZeroAddress).interface.encodeFunctionData('s_paused')
    : pausableAt(ZeroAddress).interface.encodeFunctionData('paused')
}

/**
 * Whether `paused()` (or, for `AcePausePolicy`, `s_paused()`) answers one word holding a bool (0 or 1), as the
 * guard reads it.
 */
async function answersPaused(
  provider: Provider,
  target: string,
  blockTag?: BlockTag,
  mode: bigint = PauseMode.Pausable,
): Promise<boolean> {
  try {
    const raw = await provider.call({ to: target, data: stateCalldata(mode), blockTag })
    return raw.length === 66 && BigInt(raw) <= 1n
  } catch {
    return false
  }
}

/**
 * The target's kind and pause mode, or a refusal that says what it answers. A contract that declares
 * `IOperationsPausable` and also answers `paused()` is paused by operation: its declaration says more.
 */
export async function detectTarget(
  provider: Provider,
  target: string,
  blockTag?: BlockTag,
): Promise<TargetKind> {
  if ((await provider.getCode(target, blockTag)) === '0x') {
    throw new CliError(`the target ${target} is not a contract on this chain`, 'usage')
  }
  if (await declares(provider, target, interfaceId('ISecureMintToken'), blockTag)) {
    return {
      kind: 'SecureMintToken',
      pauseMode: PauseMode.Operations,
      evidence: `declares ISecureMintToken (${interfaceId('ISecureMintToken')}) through ERC-165`,
    }
  }
  if (await declares(provider, target, interfaceId('IOperationsPausable'), blockTag)) {
    return {
      kind: 'IOperationsPausable',
      pauseMode: PauseMode.Operations,
      evidence: `declares IOperationsPausable (${interfaceId('IOperationsPausable')}) through ERC-165`,
    }
  }
  if (await answersPaused(provider, target, blockTag)) {
    return { kind: 'Pausable', pauseMode: PauseMode.Pausable, evidence: 'answers paused() with a bool' }
  }
  if (await answersPaused(provider, target, blockTag, PauseMode.AcePausePolicy)) {
    return {
      kind: 'AcePausePolicy',
      pauseMode: PauseMode.AcePausePolicy,
      evidence: "answers s_paused() with a bool, as Chainlink ACE's PausePolicy does",
    }
  }
  throw new CliError(
    `the target ${target} cannot be paused by the guard: it declares neither ISecureMintToken ` +
      `(${interfaceId('ISecureMintToken')}) nor IOperationsPausable (${interfaceId('IOperationsPausable')}) ` +
      `through ERC-165, does not answer paused() as an OpenZeppelin Pausable contract does, nor s_paused() as ` +
      `Chainlink ACE's PausePolicy does`,
    'refused',
  )
}

/** The pause mode's name (`Operations`, `Pausable`, `AcePausePolicy`). */
export function pauseModeName(mode: bigint): string {
  return enumName(PauseMode, mode)
}

/** The operations a mode pauses by default: mint and redeem for `Operations` (burning only helps), none else. */
export function defaultOperations(mode: PauseModeValue): bigint {
  return mode === PauseMode.Operations ? Operation.Mint | Operation.Redeem : 0n
}

/** The calldata that pauses `operations` on a target of this mode, as the guard sends it (PauseTarget.sol). */
export function pauseCalldata(mode: bigint, operations: bigint): string {
  if (mode === PauseMode.Operations) {
    return operationsPausableAt(ZeroAddress).interface.encodeFunctionData('pauseOperations', [operations])
  }
  if (mode === PauseMode.AcePausePolicy) {
    return pausePolicyAt(ZeroAddress).interface.encodeFunctionData('setPausedState', [true])
  }
  return pausableAt(ZeroAddress).interface.encodeFunctionData('pause')
}

/** How a mode pauses, in words (`by operation`, `by pause()`, `by setPausedState(true)`, its token's mint). */
export function pauseWords(mode: bigint): string {
  if (mode === PauseMode.Operations) return 'by operation'
  return mode === PauseMode.AcePausePolicy ? "by setPausedState(true): its token's mint" : 'by pause()'
}

/**
 * A target's pause state now, as the guard reads it: the `Operations` flags in force, or 1 for a paused `Pausable`
 * target or `PausePolicy`.
 */
export async function pausedState(
  provider: Provider,
  target: string,
  mode: bigint,
  blockTag: BlockTag,
): Promise<bigint> {
  if (mode === PauseMode.Operations) {
    const token: IOperationsPausable = operationsPausableAt(target, provider)
    return token.pausedOperations({ blockTag })
  }
  if (mode === PauseMode.AcePausePolicy) {
    return (await pausePolicyAt(target, provider).s_paused({ blockTag })) ? 1n : 0n
  }
  const pausable: IPausable = pausableAt(target, provider)
  return (await pausable.paused({ blockTag })) ? 1n : 0n
}

/** The `OPERATION_*` flags in a mask, each with its name (`mint`), from {@link Operation}. */
export function operationFlags(mask: bigint): { name: string; flag: bigint }[] {
  return Object.entries(Operation)
    .filter(([name, flag]) => name !== 'All' && (mask & flag) !== 0n)
    .map(([name, flag]) => ({ name: name.toLowerCase(), flag }))
}

/** The names of the `OPERATION_*` flags in a mask (`mint, redeem`). */
export function operationNames(mask: bigint): string[] {
  return operationFlags(mask).map(({ name }) => name)
}

/** An operations mask from names (`mint,redeem`), 0 for `none`. */
export function parseOperations(text: string): bigint {
  if (text === 'none') return 0n
  let mask = 0n
  for (const name of text.split(',').map((n) => n.trim().toLowerCase())) {
    const entry = Object.entries(Operation).find(([key]) => key.toLowerCase() === name && key !== 'All')
    if (!entry) {
      throw new CliError(
        `--operations is a comma-separated list of mint, redeem, burn (or none for a Pausable target), got ${JSON.stringify(text)}`,
        'usage',
      )
    }
    mask |= entry[1]
  }
  return mask
}
