/**
 * What a log-trigger upkeep listens to. A guard wakes on a feed's `AnswerUpdated`; a Chainlink feed is read
 * through a proxy, but the event is emitted by the proxy's current aggregator, so the trigger must filter the
 * aggregator's address (read from the proxy's `aggregator()`), and be registered again when Chainlink points
 * the proxy at a new aggregator. It also wakes on a token's mint, `Transfer` from the zero address, which the
 * token emits itself: a supply that jumps with no feed update is then acted on in the next block.
 */
import { Contract, ZeroHash, id, type Provider } from 'ethers'
import { readArtifact } from '#chain/artifacts'
import { encodeLogTriggerConfig, type LogTriggerConfig } from '#chain/automation'
import { UpkeepsError } from './errors'

/** Chainlink's feed proxy, compiled from @chainlink/contracts 0.8.0: the ABI of `aggregator()`. */
const FEED_PROXY_ARTIFACT = '@chainlink/contracts-0.8.0/src/v0.6/EACAggregatorProxy.sol:EACAggregatorProxy'

export interface LogSource {
  /** the feed the guard reads (a proxy or an aggregator) */
  feed: string
  /** the contract that emits AnswerUpdated: the proxy's aggregator, or the feed itself */
  emitter: string
  viaProxy: boolean
  /** what was found, in plain words */
  note: string
}

export async function resolveLogSource(provider: Provider, feed: string): Promise<LogSource> {
  if ((await provider.getCode(feed)) === '0x') {
    throw new UpkeepsError(`the feed ${feed} is not a contract on this chain`, 'usage')
  }
  const proxy = new Contract(feed, readArtifact(FEED_PROXY_ARTIFACT).abi as never, provider)
  let aggregator: string | undefined
  try {
    aggregator = (await proxy.aggregator()) as string
  } catch {
    aggregator = undefined // not a proxy: the feed emits its own events
  }
  if (aggregator && (await provider.getCode(aggregator)) !== '0x') {
    return {
      feed,
      emitter: aggregator,
      viaProxy: true,
      note:
        `the feed ${feed} is a proxy: its AnswerUpdated events come from its current aggregator ${aggregator}, ` +
        `so the log trigger filters that address. When Chainlink moves the proxy to a new aggregator, register ` +
        `a new log-trigger upkeep (the conditional upkeep keeps working meanwhile).`,
    }
  }
  return {
    feed,
    emitter: feed,
    viaProxy: false,
    note: `the feed ${feed} has no aggregator(): the log trigger filters the feed's own AnswerUpdated events`,
  }
}

/** The trigger config: the emitter's logs whose topic0 is AnswerUpdated (topics 1–3 not filtered). */
export function answerUpdatedTrigger(
  emitter: string,
  answerUpdatedTopic: string,
): { config: LogTriggerConfig; encoded: string } {
  const config: LogTriggerConfig = {
    contractAddress: emitter,
    filterSelector: 0,
    topic0: answerUpdatedTopic,
    topic1: ZeroHash,
    topic2: ZeroHash,
    topic3: ZeroHash,
  }
  return { config, encoded: encodeLogTriggerConfig(config) }
}

/** topic0 of an ERC-20's `Transfer(address indexed from, address indexed to, uint256 value)`. */
export const TRANSFER_TOPIC = id('Transfer(address,address,uint256)')

/**
 * The trigger config of a token's mints: the token's logs whose topic0 is `Transfer` and whose topic1, `from`, is
 * the zero address (filter selector bit 0: topic1 filtered; topics 2 and 3 not).
 */
export function mintTrigger(
  token: string,
  transferTopic: string,
): { config: LogTriggerConfig; encoded: string } {
  const config: LogTriggerConfig = {
    contractAddress: token,
    filterSelector: 1,
    topic0: transferTopic,
    topic1: ZeroHash,
    topic2: ZeroHash,
    topic3: ZeroHash,
  }
  return { config, encoded: encodeLogTriggerConfig(config) }
}

/** Whether a log trigger listens to a token's mints ({@link mintTrigger}) rather than a feed's updates. */
export const isMintTrigger = (config: LogTriggerConfig): boolean =>
  config.topic0.toLowerCase() === TRANSFER_TOPIC.toLowerCase() &&
  (config.filterSelector & 1) === 1 &&
  BigInt(config.topic1) === 0n

/** What a log trigger listens to, in words: `mints of 0xToken` or `0xAggregator` (its AnswerUpdated). */
export const listensTo = (config: LogTriggerConfig): string =>
  isMintTrigger(config) ? `mints of ${config.contractAddress}` : config.contractAddress
