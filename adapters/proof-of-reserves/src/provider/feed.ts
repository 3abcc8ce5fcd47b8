import { aggregatorV3Interface } from '#chain/abi'
import type { ScaledAmount } from '#common/decimal'
import { providerError } from '#common/errors'
import { callReturn, chainBlock, decimalsReturn, type ChainBlock } from '#common/evm-calls'
import { EvmRpcClient, type EvmRpcClientOptions } from '#common/evm-rpc'
import type { ConversionPlan } from '../endpoint/reserves-request'

const DECIMALS_CALL = aggregatorV3Interface.encodeFunctionData('decimals')
const LATEST_ROUND_CALL = aggregatorV3Interface.encodeFunctionData('latestRoundData')
const FEED = 'AggregatorV3 feed'

/** A conversion's price, read from its feed at one block. */
export interface FeedReading {
  from: string
  to: string
  /** The price of one `from` in `to`, exactly: the feed's answer at its decimals. */
  rate: ScaledAmount
  address: string
  roundId: string
  /** When the feed's answer was written, in seconds since the epoch. */
  updatedAt: number
  block: ChainBlock
}

/**
 * Reads a conversion's feed (Chainlink's `AggregatorV3Interface`: a feed's proxy) at one block,
 * `latest − confirmations` of a fresh head: `decimals()` and `latestRoundData()` in one round
 * trip (with Multicall3 and no depth). Refuses (502) an answer that is not a price (zero or
 * negative), a round not answered in itself (`answeredInRound` behind `roundId`), and an answer
 * written more than `maxAgeSeconds` before the block read, or after it.
 */
export async function readFeed(
  conversion: ConversionPlan,
  options: EvmRpcClientOptions,
): Promise<FeedReading> {
  const { settings, address } = conversion
  const client = new EvmRpcClient(settings, options)
  const { block, results } = await client.pin(conversion.confirmations, [
    { to: address, data: DECIMALS_CALL },
    { to: address, data: LATEST_ROUND_CALL },
  ])
  const where = `${settings.network}: ${conversion.from}/${conversion.to} feed ${address} at block ${block.number}`
  const decimals = decimalsReturn(results[0], where, FEED)
  const returned = callReturn(results[1], where, 'latestRoundData()', FEED)
  let round: { roundId: bigint; answer: bigint; updatedAt: bigint; answeredInRound: bigint }
  try {
    const [roundId, answer, , updatedAt, answeredInRound] = aggregatorV3Interface.decodeFunctionResult(
      'latestRoundData',
      returned,
    ) as unknown as bigint[]
    round = { roundId, answer, updatedAt, answeredInRound }
  } catch {
    throw providerError(`${where}: latestRoundData() returned ${returned.slice(0, 80)}, not a round`)
  }
  if (round.answer <= 0n) {
    throw providerError(`${where}: its answer, ${round.answer}, is not a price`)
  }
  if (round.answeredInRound < round.roundId) {
    throw providerError(
      `${where}: round ${round.roundId} was answered in round ${round.answeredInRound}: a stale answer`,
    )
  }
  const updatedAt = Number(round.updatedAt)
  const age = block.timestamp - updatedAt
  if (round.updatedAt === 0n || age < 0) {
    throw providerError(
      `${where}: its answer is dated ${round.updatedAt}, not before the block (${block.timestamp})`,
    )
  }
  if (age > conversion.maxAgeSeconds) {
    throw providerError(
      `${where}: its answer was written ${age} s before the block, more than maxAgeSeconds (${conversion.maxAgeSeconds}): the feed is stale`,
    )
  }
  return {
    from: conversion.from,
    to: conversion.to,
    rate: { units: round.answer, decimals },
    address,
    roundId: round.roundId.toString(),
    updatedAt,
    block: chainBlock(settings, block),
  }
}
