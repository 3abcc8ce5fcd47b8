/**
 * Reading other people's contracts through {@link EvmRpcClient} (evm-rpc.ts): several chains at
 * once, all or nothing ({@link readEachChain}), and the outcome of each call, where a call that
 * reverted, returned nothing (no contract at the address) or returned something that is not what
 * its ABI says is a 502 naming where it was read and the call, never a zero.
 */
import { describeFailure, isFinalFailure, providerError } from './errors'
import {
  decodeUint256,
  type CallOutcome,
  type EvmNetworkSettings,
  type PinnedBlock,
  type ReadMethod,
} from './evm-rpc'

/** The block one chain was read at, and how, as an answer reports it. */
export interface ChainBlock {
  network: string
  chainId: string
  blockNumber: number
  /** The block's timestamp, in seconds since the epoch. */
  blockTimestamp: number
  /** How the reads were sent: in one Multicall3 call, or as a JSON-RPC batch. */
  readVia: ReadMethod
}

/** {@link ChainBlock} of a pinned read. */
export function chainBlock(settings: EvmNetworkSettings, block: PinnedBlock): ChainBlock {
  return {
    network: settings.network,
    chainId: settings.chainId.toString(),
    blockNumber: Number(block.number),
    blockTimestamp: block.timestamp,
    readVia: block.method,
  }
}

/**
 * Reads every chain in parallel (`read`, each chain at one block). Any chain that fails fails
 * the whole figure, `what`, with a 502 naming each failed network: never a partial sum. When
 * every chain refused the request (a 4xx), the 502 carries that status: an answer, which the
 * transport does not retry before the next refresh.
 */
export async function readEachChain<C extends { settings: EvmNetworkSettings }, R>(
  chains: C[],
  read: (chain: C) => Promise<R>,
  what: string,
): Promise<R[]> {
  const outcomes = await Promise.allSettled(chains.map(read))
  const failures = outcomes.flatMap((outcome, i) => {
    if (outcome.status === 'fulfilled') return []
    const { network } = chains[i].settings
    const { message } = describeFailure(outcome.reason)
    return [message.startsWith(`${network}:`) ? message : `${network}: ${message}`]
  })
  if (failures.length > 0) {
    const reasons = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason] : []))
    const refused = reasons.every(isFinalFailure)
    throw providerError(
      `${what} not reported, chains unread: ${failures.join('; ')}`,
      502,
      refused ? (reasons[0] as { providerStatusCode?: number }).providerStatusCode : undefined,
    )
  }
  return outcomes.map((outcome) => (outcome as PromiseFulfilledResult<R>).value)
}

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

const UTF8 = new TextDecoder('utf-8', { fatal: true })

/**
 * An ABI-encoded `string[]` (what `getPoRAddressList` returns), read directly, every offset and
 * length bounds-checked and every string valid UTF-8; undefined when it is not one. ethers' coder
 * takes most of a second for a thousand strings, time that grows faster than their number; this
 * is a few milliseconds (the test holds it to ethers' decoding).
 */
export function decodeStringArray(returnData: string): string[] | undefined {
  if (!/^0x(?:[0-9a-fA-F]{64})*$/.test(returnData)) return undefined
  const bytes = Buffer.from(returnData.slice(2), 'hex')
  /** The word at byte `at`, as a number below 2^48; undefined past the end or above. */
  const word = (at: number): number | undefined => {
    if (!Number.isSafeInteger(at) || at < 0 || at + 32 > bytes.length) return undefined
    for (let i = at; i < at + 26; i++) if (bytes[i] !== 0) return undefined
    return bytes.readUIntBE(at + 26, 6)
  }
  const array = word(0)
  const count = array === undefined ? undefined : word(array)
  if (array === undefined || count === undefined) return undefined
  const heads = array + 32
  const strings: string[] = []
  for (let i = 0; i < count; i++) {
    const relative = word(heads + 32 * i)
    const at = relative === undefined ? undefined : heads + relative
    const length = at === undefined ? undefined : word(at)
    if (at === undefined || length === undefined || at + 32 + length > bytes.length) return undefined
    try {
      strings.push(UTF8.decode(bytes.subarray(at + 32, at + 32 + length)))
    } catch {
      return undefined
    }
  }
  return strings
}
