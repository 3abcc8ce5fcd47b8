/**
 * An asset's history, from the chain's own record: each round of its reserve feed (the `AnswerUpdated` logs of
 * the contract that emits them: the proxy's aggregator, or the feed itself), and at the block of each, read
 * with `eth_call` at that block: the feed's answer through the address the guard reads, the supply, the
 * decimals, and the guard's own verdict then. Every figure of a point comes from that one block.
 *
 * Reading an old block's state needs an RPC that keeps it (an archive node): a block it cannot answer for is
 * left out, and the history says so.
 */
import { Contract, type JsonRpcProvider, type Log } from 'ethers'
import type { ReserveGuard } from '#chain/contracts'
import { aggregatorV3Interface, erc20Interface } from '#chain/abi'
import { SupplyKind, toResult, type AssetConfig } from '#chain/types'
import { marginOf, ratioPercent, requirement, verdictWord, type Backing } from '#devkit/reserve-figures'
import { resolveLogSource } from '../../upkeeps/index'
import type { Links } from '../links'
import type { HistoryPoint } from '../snapshot'
import { amount, readDecimals, readFeedRound, refused } from './assets'
import { BlockTimes, LogScanner } from './logs'

const ANSWER_UPDATED = aggregatorV3Interface.getEvent('AnswerUpdated')!.topicHash

export interface HistoryOptions {
  fromBlock: number
  /** the most blocks one eth_getLogs asks for */
  logRange: number
  /** the most points kept (the latest) */
  maxPoints: number
}

export class AssetHistory {
  readonly points: HistoryPoint[] = []
  /** why points are missing, if some are */
  note?: string

  private constructor(
    private readonly provider: JsonRpcProvider,
    private readonly guard: ReserveGuard,
    private readonly target: string,
    private readonly config: AssetConfig,
    private readonly scanner: LogScanner,
    private readonly maxPoints: number,
  ) {}

  /** Finds where the asset's feed emits its rounds (through its proxy, if it has one). */
  static async open(
    provider: JsonRpcProvider,
    guard: ReserveGuard,
    target: string,
    config: AssetConfig,
    options: HistoryOptions,
  ): Promise<AssetHistory> {
    const { emitter } = await resolveLogSource(provider, config.reserveFeed)
    const scanner = new LogScanner(
      provider,
      { address: emitter, topics: [ANSWER_UPDATED] },
      options.fromBlock,
      options.logRange,
    )
    return new AssetHistory(provider, guard, target, config, scanner, options.maxPoints)
  }

  /** Reads the rounds through `block`: one point per block that wrote one. */
  async update(block: number, times: BlockTimes, links: Links): Promise<void> {
    const logs = await this.scanner.scan(block)
    const lastOfBlock = new Map<number, Log>()
    for (const log of logs) lastOfBlock.set(log.blockNumber, log)
    for (const [at, log] of [...lastOfBlock].sort(([a], [b]) => a - b)) {
      try {
        const point = await this.pointAt(at, log.transactionHash, times, links)
        if (point) this.points.push(point)
      } catch (error) {
        this.note =
          `No figures at block ${at}: the RPC could not answer for that block (${(error as Error).message.split('\n')[0]}). ` +
          'Old blocks need an RPC that keeps their state (an archive node).'
      }
    }
    this.points.splice(0, Math.max(0, this.points.length - this.maxPoints))
  }

  /** The point of the round written at `block`; undefined when the feed the guard reads did not move there. */
  private async pointAt(
    block: number,
    tx: string,
    times: BlockTimes,
    links: Links,
  ): Promise<HistoryPoint | undefined> {
    const { provider, guard, target, config } = this
    const at = { blockTag: block }
    const round = await readFeedRound(provider, config.reserveFeed, block)
    // Another feed of the same aggregator (a DataFeedsCache serves many), or a round already shown.
    if (!round || round.roundId.toString() === this.points.at(-1)?.roundId) return undefined
    const supply = await this.supplyAt(block)
    if (supply === undefined) return undefined // the supply source did not answer then (not deployed yet)
    const [decimals, verdict, time] = await Promise.all([
      guard.assetDecimals(target, at).then(
        ([reserve, supplyDecimals]) => ({ reserve: Number(reserve), supply: Number(supplyDecimals) }),
        async (error: unknown) => {
          if (!refused(error)) throw error
          return {
            reserve: (await readDecimals(provider, config.reserveFeed, block)) ?? 0,
            supply: (await readDecimals(provider, config.supplySource, block)) ?? 0,
          }
        },
      ),
      // The guard's own verdict then; it did not watch the asset yet if this reverts (UnknownAsset).
      guard.assetStatus(target, at).then(
        (raw) => {
          const result = toResult(raw)
          return verdictWord(result.verdict, result.reason)
        },
        (error: unknown) => {
          if (!refused(error)) throw error
          return undefined
        },
      ),
      times.of(block),
    ])
    const backing: Backing = {
      reserves: round.answer,
      reserveDecimals: decimals.reserve,
      supply,
      supplyDecimals: decimals.supply,
    }
    const needs = requirement(backing, marginOf(config))
    const optional = (units: bigint | undefined) =>
      units === undefined ? undefined : amount(units, needs.decimals)
    return {
      block,
      time,
      blockUrl: links.block(block),
      tx,
      txUrl: links.tx(tx),
      roundId: round.roundId.toString(),
      updatedAt: Number(round.updatedAt),
      reserves: amount(round.answer, decimals.reserve),
      supply: amount(supply, decimals.supply),
      ratioPercent: ratioPercent(backing),
      required: optional(needs.required),
      headroom: optional(needs.headroom),
      verdict,
    }
  }

  /** The supply at `block`: the token's totalSupply, or the supply feed's answer; undefined if it had none then. */
  private async supplyAt(block: number): Promise<bigint | undefined> {
    const { provider, config } = this
    if (config.supplyKind === SupplyKind.SupplyFeed) {
      return (await readFeedRound(provider, config.supplySource, block))?.answer
    }
    try {
      return (await new Contract(config.supplySource, erc20Interface, provider).totalSupply({
        blockTag: block,
      })) as bigint
    } catch (error) {
      if (refused(error)) return undefined
      throw error
    }
  }
}
