/**
 * The outcomes of other people's contract calls, read through {@link EvmRpcClient} (evm-rpc.ts):
 * a call that reverted, returned nothing (no contract at the address) or returned something that
 * is not what its ABI says is a 502 naming where it was read and the call, never a zero.
 */
import { providerError } from './errors'
import { decodeUint256, type CallOutcome } from './evm-rpc'

/** Token decimals accepted (`decimals()` is a uint8; beyond 36 is not a real token). */
export const MAX_TOKEN_DECIMALS = 36

/**
 * What a call returned; a 502 when it reverted or returned nothing. `where` says where it was
 * read (`ethereum: token 0x… at block 123`), `contract` what was expected at the address.
 */
export function callReturn(outcome: CallOutcome, where: string, call: string, contract: string): string {
  if (!outcome.success) {
    throw providerError(
      `${where}: ${call} reverted${outcome.revertMessage ? ` (${outcome.revertMessage})` : ''}`,
    )
  }
  if (outcome.returnData === '0x') {
    throw providerError(`${where}: ${call} returned nothing: no ${contract} at this address?`)
  }
  return outcome.returnData
}

/** The uint256 a call returned ({@link callReturn}); a 502 when it is not one. */
export function uintReturn(
  outcome: CallOutcome,
  where: string,
  call: string,
  contract = 'ERC-20 contract',
): bigint {
  const returnData = callReturn(outcome, where, call, contract)
  const value = decodeUint256(returnData)
  if (value === undefined) {
    throw providerError(`${where}: ${call} returned ${returnData.slice(0, 80)}, not a uint256`)
  }
  return value
}

/** The decimals a `decimals()` call returned: 0 to {@link MAX_TOKEN_DECIMALS}, or a 502. */
export function decimalsReturn(outcome: CallOutcome, where: string, contract = 'ERC-20 contract'): number {
  const decimals = uintReturn(outcome, where, 'decimals()', contract)
  if (decimals > BigInt(MAX_TOKEN_DECIMALS)) {
    throw providerError(`${where}: decimals() is ${decimals}, outside 0–${MAX_TOKEN_DECIMALS}`)
  }
  return Number(decimals)
}
