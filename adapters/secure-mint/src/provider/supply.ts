import { ccipTokenPoolInterface, erc20Interface } from '#chain/abi'
import { providerError } from '#common/errors'
import { callReturn, decimalsReturn, readEachChain, uintReturn } from '#common/evm-calls'
import {
  EvmRpcClient,
  type CallOutcome,
  type EvmLog,
  type EvmRpcClientOptions,
  type ReadMethod,
} from '#common/evm-rpc'
import type { SupplyChain } from '../endpoint/mintable-request'

const DECIMALS_CALL = erc20Interface.encodeFunctionData('decimals')
const TOTAL_SUPPLY_CALL = erc20Interface.encodeFunctionData('totalSupply')
const TYPE_AND_VERSION_CALL = ccipTokenPoolInterface.encodeFunctionData('typeAndVersion')
const GET_TOKEN_CALL = ccipTokenPoolInterface.encodeFunctionData('getToken')
const BURNED = ccipTokenPoolInterface.getEvent('LockedOrBurned')!
const MINTED = ccipTokenPoolInterface.getEvent('ReleasedOrMinted')!

/**
 * The CCIP pools whose lock-or-burn burns the token and whose release-or-mint mints it (each pool's
 * `_lockOrBurn` calls the token's `burn` or `burnFrom`, its `_releaseOrMint` the token's `mint`), at the
 * versions whose events this reads (`LockedOrBurned`, `ReleasedOrMinted`, as in `@chainlink/contracts-ccip`
 * 2.0.0). A lock-and-release pool is not one: its locks and releases move tokens that stay in totalSupply.
 */
const BURN_MINT_POOL = /^(BurnMintTokenPool|BurnFromMintTokenPool|BurnWithFromMintTokenPool) 2\.0\.\d+$/

/** A chain's CCIP pool, and what it burned and minted from its deployment block to the chain's block. */
export interface PoolReading {
  address: string
  fromBlock: number
  /** The pool's typeAndVersion() at the block. */
  typeAndVersion: string
  /** Σ LockedOrBurned amounts: tokens burned here to be minted on another chain. */
  burned: bigint
  /** Σ ReleasedOrMinted amounts: tokens minted here for burns on another chain. */
  minted: bigint
  /** Events read. */
  events: number
}

/** A chain's supply, and the block it was read at. */
export interface ChainSupplyReading {
  blockNumber: number
  /** The block's hash: every read of the chain named it (EIP-1898). */
  blockHash: string
  /** The block's timestamp, in seconds since the epoch. */
  blockTimestamp: number
  readVia: ReadMethod
  /** totalSupply() at the block, at the token's decimals. */
  supply: bigint
  /** The chain's CCIP pool, when the request gives one. */
  pool?: PoolReading
}

/**
 * Reads every chain's totalSupply() and decimals() in parallel, each at one block (latest −
 * its confirmations, fresh head), all or nothing: a chain that fails fails the whole answer
 * (502 naming it). A chain whose decimals() is not the request's is a 502: its supply is never
 * compared at decimals it is not in.
 */
export function readSupplies(
  chains: SupplyChain[],
  decimals: number,
  options: EvmRpcClientOptions,
): Promise<ChainSupplyReading[]> {
  return readEachChain(chains, (chain) => readChain(chain, decimals, options), 'mintable budgets')
}

async function readChain(
  chain: SupplyChain,
  decimals: number,
  options: EvmRpcClientOptions,
): Promise<ChainSupplyReading> {
  const { settings, token, confirmations, ccipPool } = chain
  const client = new EvmRpcClient(settings, options)
  const { block, results } = await client.pin(confirmations, [
    { to: token, data: DECIMALS_CALL },
    { to: token, data: TOTAL_SUPPLY_CALL },
    ...(ccipPool
      ? [
          { to: ccipPool.address, data: TYPE_AND_VERSION_CALL },
          { to: ccipPool.address, data: GET_TOKEN_CALL },
        ]
      : []),
  ])
  const where = `${settings.network}: token ${token} at block ${block.number}`
  const read = decimalsReturn(results[0], where)
  if (read !== decimals) {
    throw providerError(
      `${where}: decimals() is ${read}, not the token's decimals (${decimals}) the request gives`,
    )
  }
  const supply = uintReturn(results[1], where, 'totalSupply()')
  const reading = {
    blockNumber: Number(block.number),
    blockHash: block.hash,
    blockTimestamp: block.timestamp,
    readVia: block.method,
    supply,
  }
  if (!ccipPool) return reading
  const poolWhere = `${settings.network}: CCIP pool ${ccipPool.address} at block ${block.number}`
  const typeAndVersion = poolType(results[2], poolWhere)
  const poolToken = decodeAddress(results[3], poolWhere)
  if (poolToken.toLowerCase() !== token.toLowerCase()) {
    throw providerError(`${poolWhere}: getToken() is ${poolToken}, not the token ${token}`)
  }
  const logs = await client.logsUpTo(block, {
    address: ccipPool.address,
    topics: [BURNED.topicHash, MINTED.topicHash],
    fromBlock: BigInt(ccipPool.fromBlock),
    blockRange: ccipPool.blockRange,
  })
  let burned = 0n
  let minted = 0n
  for (const log of logs) {
    const amount = poolAmount(log, token, poolWhere)
    if (log.topics[0] === BURNED.topicHash) burned += amount
    else minted += amount
  }
  return {
    ...reading,
    pool: {
      address: ccipPool.address,
      fromBlock: ccipPool.fromBlock,
      typeAndVersion,
      burned,
      minted,
      events: logs.length,
    },
  }
}

/** The pool's typeAndVersion(): one of {@link BURN_MINT_POOL}, or a 502 (no contract, another kind of pool). */
function poolType(outcome: CallOutcome, where: string): string {
  const returnData = callReturn(outcome, where, 'typeAndVersion()', 'CCIP token pool')
  let text: string
  try {
    text = ccipTokenPoolInterface.decodeFunctionResult('typeAndVersion', returnData)[0] as string
  } catch {
    throw providerError(`${where}: typeAndVersion() returned ${returnData.slice(0, 80)}, not a string`)
  }
  if (!BURN_MINT_POOL.test(text)) {
    throw providerError(
      `${where}: typeAndVersion() is ${JSON.stringify(text.slice(0, 80))}, not a CCIP pool that burns and mints at version 2.0 ` +
        '(BurnMintTokenPool, BurnFromMintTokenPool, BurnWithFromMintTokenPool): its events are not counted. ' +
        "A lock-and-release pool's chain needs no ccipPool: the tokens it locks stay in its totalSupply",
    )
  }
  return text
}

function decodeAddress(outcome: CallOutcome, where: string): string {
  const returnData = callReturn(outcome, where, 'getToken()', 'CCIP token pool')
  try {
    return ccipTokenPoolInterface.decodeFunctionResult('getToken', returnData)[0] as string
  } catch {
    throw providerError(`${where}: getToken() returned ${returnData.slice(0, 80)}, not an address`)
  }
}

/**
 * The amount of a pool's LockedOrBurned or ReleasedOrMinted log, in the token's units on this chain; a 502
 * naming the log when it cannot be decoded, or names another token.
 */
function poolAmount(log: EvmLog, token: string, where: string): bigint {
  const at = `${where}: log ${log.logIndex} of block ${log.blockNumber}`
  let decoded
  try {
    decoded = ccipTokenPoolInterface.parseLog({ topics: log.topics, data: log.data })
  } catch {
    decoded = null
  }
  if (!decoded || (decoded.name !== BURNED.name && decoded.name !== MINTED.name)) {
    throw providerError(`${at}: not a LockedOrBurned or ReleasedOrMinted event that decodes`)
  }
  const logToken = decoded.args.getValue('token') as string
  if (logToken.toLowerCase() !== token.toLowerCase()) {
    throw providerError(`${at}: ${decoded.name} of token ${logToken}, not ${token}`)
  }
  return decoded.args.getValue('amount') as bigint
}
