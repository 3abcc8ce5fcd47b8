import { getAddress, Interface } from 'ethers'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { rescale, type ScaledAmount } from '#common/decimal'
import { describeFailure, inputError, providerError } from '#common/errors'
import {
  EvmRpcClient,
  decodeUint256,
  evmSettingNames,
  resolveEvmNetwork,
  type CallOutcome,
  type EvmNetworkSettings,
  type ReadMethod,
} from '#common/evm-rpc'
import type { SupplyEndpointTypes, SupplyRequestParams } from '../endpoint/supply'

export const erc20Interface = new Interface([
  'function decimals() view returns (uint8)',
  'function totalSupply() view returns (uint256)',
  'function balanceOf(address account) view returns (uint256)',
])

/** Token decimals this adapter accepts (`decimals()` is a uint8; beyond 36 is not a real token). */
export const MAX_TOKEN_DECIMALS = 36
/** `resultDecimals` accepted. */
export const MAX_RESULT_DECIMALS = 36

const DECIMALS_CALL = erc20Interface.encodeFunctionData('decimals')
const TOTAL_SUPPLY_CALL = erc20Interface.encodeFunctionData('totalSupply')

/** A checked request: every network resolved to its settings, every address checksummed. */
export interface SupplyRequest {
  chains: {
    settings: EvmNetworkSettings
    token: string
    /** Holders whose balance on this chain is not circulating. */
    exclude: string[]
  }[]
  confirmations: number
  resultDecimals: number
}

/** What was read on one chain; amounts are integer strings in the token's own units. */
export interface ChainSupply {
  network: string
  chainId: string
  token: string
  /** The block every read of this chain was made at. */
  blockNumber: number
  /** How the reads were sent: in one Multicall3 call, or as a JSON-RPC batch. */
  readVia: ReadMethod
  decimals: number
  totalSupply: string
  /** Sum of the excluded holders' balances. */
  excluded: string
  /** totalSupply − excluded. */
  circulating: string
  excludedBalances: { address: string; balance: string }[]
}

export interface SupplyFigures {
  /** Circulating supply over every chain, integer at `decimals`, rounded up. */
  result: string
  decimals: number
  confirmations: number
  chains: ChainSupply[]
}

function checkedAddress(value: unknown, field: string): string {
  if (typeof value === 'string' && /^0x[0-9a-fA-F]{40}$/.test(value)) {
    try {
      return getAddress(value)
    } catch {
      throw inputError(`${field}: ${value} fails its EIP-55 checksum (mixed case must be checksummed)`)
    }
  }
  throw inputError(`${field}: ${JSON.stringify(value)} is not an EVM address (0x and 40 hex digits)`)
}

/**
 * Checks a request against the settings without reading any chain: every failure is a 400
 * naming the field or setting at fault. Used by the endpoint's customInputValidation and again
 * by the transport.
 */
export function checkSupplyRequest(
  params: SupplyRequestParams,
  maxExcluded: number,
  env: NodeJS.ProcessEnv = process.env,
): SupplyRequest {
  const tokens = params.tokens ?? []
  if (tokens.length === 0) throw inputError('tokens: list at least one { network, address }')
  const chains: SupplyRequest['chains'] = []
  const byKey = new Map<string, SupplyRequest['chains'][number]>()
  const byChainId = new Map<bigint, string>()
  tokens.forEach((entry, i) => {
    const settings = resolveEvmNetwork(entry?.network, `tokens[${i}].network`, env)
    const token = checkedAddress(entry?.address, `tokens[${i}].address`)
    const key = evmSettingNames(settings.network).url
    if (byKey.has(key)) {
      throw inputError(`tokens[${i}]: network "${settings.network}" is listed twice (one token per chain)`)
    }
    const sameChain = byChainId.get(settings.chainId)
    if (sameChain !== undefined) {
      throw inputError(
        `tokens[${i}]: network "${settings.network}" has the chain id of "${sameChain}" ` +
          `(${settings.chainId}): one token per chain`,
      )
    }
    const chain = { settings, token, exclude: [] as string[] }
    byKey.set(key, chain)
    byChainId.set(settings.chainId, settings.network)
    chains.push(chain)
  })
  const exclude = params.exclude ?? []
  if (exclude.length > maxExcluded) {
    throw inputError(`exclude: ${exclude.length} holders, more than MAX_EXCLUDED (${maxExcluded})`)
  }
  exclude.forEach((entry, i) => {
    const network = entry?.network
    const chain = typeof network === 'string' ? byKey.get(evmSettingNames(network).url) : undefined
    if (!chain) {
      throw inputError(`exclude[${i}].network: ${JSON.stringify(network)} is not one of the tokens' networks`)
    }
    const holder = checkedAddress(entry?.address, `exclude[${i}].address`)
    if (chain.exclude.includes(holder)) {
      throw inputError(`exclude[${i}]: ${holder} is already excluded on "${chain.settings.network}"`)
    }
    chain.exclude.push(holder)
  })
  const { confirmations, resultDecimals } = params
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw inputError(`confirmations: must be a non-negative integer, got ${confirmations}`)
  }
  if (!Number.isSafeInteger(resultDecimals) || resultDecimals < 0 || resultDecimals > MAX_RESULT_DECIMALS) {
    throw inputError(
      `resultDecimals: must be an integer from 0 to ${MAX_RESULT_DECIMALS}, got ${resultDecimals}`,
    )
  }
  return { chains, confirmations, resultDecimals }
}

export interface ReadSupplyOptions {
  timeoutMs: number
}

/**
 * Reads every chain in parallel, each in one block, and sums the circulating supply. Any chain
 * that fails fails the whole figure (502 naming each failed network): never a partial sum.
 */
export async function readSupply(request: SupplyRequest, options: ReadSupplyOptions): Promise<SupplyFigures> {
  const outcomes = await Promise.allSettled(
    request.chains.map((chain) => readChain(chain, request.confirmations, options)),
  )
  const failures = outcomes.flatMap((outcome, i) => {
    if (outcome.status === 'fulfilled') return []
    const { network } = request.chains[i].settings
    const { message } = describeFailure(outcome.reason)
    return [message.startsWith(`${network}:`) ? message : `${network}: ${message}`]
  })
  if (failures.length > 0) {
    throw providerError(`supply not reported, chains unread: ${failures.join('; ')}`)
  }
  const chains = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ChainSupply>).value)
  const total = totalCirculating(
    chains.map((chain) => ({ units: BigInt(chain.circulating), decimals: chain.decimals })),
    request.resultDecimals,
  )
  return {
    result: total.toString(),
    decimals: request.resultDecimals,
    confirmations: request.confirmations,
    chains,
  }
}

/**
 * The sum of per-chain amounts, each at its own decimals, expressed at `resultDecimals`: summed
 * exactly at the finest precision involved, then rounded up once, so the supply is never
 * understated and overstated by less than one unit of the result.
 */
export function totalCirculating(amounts: ScaledAmount[], resultDecimals: number): bigint {
  const finest = Math.max(resultDecimals, ...amounts.map((amount) => amount.decimals))
  const total = amounts.reduce(
    (sum, amount) => sum + rescale(amount.units, amount.decimals, finest, 'up'),
    0n,
  )
  return rescale(total, finest, resultDecimals, 'up')
}

async function readChain(
  chain: SupplyRequest['chains'][number],
  confirmations: number,
  options: ReadSupplyOptions,
): Promise<ChainSupply> {
  const { settings, token, exclude } = chain
  const client = new EvmRpcClient(settings, { timeoutMs: options.timeoutMs })
  const { block, results } = await client.pin(confirmations, [
    { to: token, data: DECIMALS_CALL },
    { to: token, data: TOTAL_SUPPLY_CALL },
    ...exclude.map((holder) => ({
      to: token,
      data: erc20Interface.encodeFunctionData('balanceOf', [holder]),
    })),
  ])
  const where = `${settings.network}: token ${token} at block ${block.number}`
  const uint = (outcome: CallOutcome, call: string): bigint => {
    if (!outcome.success) {
      throw providerError(
        `${where}: ${call} reverted${outcome.revertMessage ? ` (${outcome.revertMessage})` : ''}`,
      )
    }
    const value = decodeUint256(outcome.returnData)
    if (value === undefined) {
      throw providerError(
        outcome.returnData === '0x'
          ? `${where}: ${call} returned nothing: no ERC-20 contract at this address?`
          : `${where}: ${call} returned ${outcome.returnData.slice(0, 80)}, not a uint256`,
      )
    }
    return value
  }
  const decimals = uint(results[0], 'decimals()')
  if (decimals > BigInt(MAX_TOKEN_DECIMALS)) {
    throw providerError(`${where}: decimals() is ${decimals}, outside 0–${MAX_TOKEN_DECIMALS}`)
  }
  const totalSupply = uint(results[1], 'totalSupply()')
  const balances = exclude.map((holder, i) => ({
    address: holder,
    balance: uint(results[2 + i], `balanceOf(${holder})`),
  }))
  const excluded = balances.reduce((sum, b) => sum + b.balance, 0n)
  if (excluded > totalSupply) {
    throw providerError(
      `${where}: excluded balances (${excluded}) exceed totalSupply() (${totalSupply}); ` +
        'a supply is never reported negative',
    )
  }
  return {
    network: settings.network,
    chainId: settings.chainId.toString(),
    token,
    blockNumber: Number(block.number),
    readVia: block.method,
    decimals: Number(decimals),
    totalSupply: totalSupply.toString(),
    excluded: excluded.toString(),
    circulating: (totalSupply - excluded).toString(),
    excludedBalances: balances.map((b) => ({ address: b.address, balance: b.balance.toString() })),
  }
}

export class SupplyTransport extends ComputeTransport<SupplyEndpointTypes> {
  async compute(
    params: SupplyRequestParams,
    settings: SupplyEndpointTypes['Settings'],
  ): Promise<ComputedResponse<SupplyEndpointTypes>> {
    const request = checkSupplyRequest(params, settings.MAX_EXCLUDED)
    const figures = await readSupply(request, { timeoutMs: settings.RPC_TIMEOUT_MS })
    return { result: figures.result, data: figures }
  }
}
