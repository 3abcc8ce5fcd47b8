/**
 * What a log-trigger upkeep listens to. A guard wakes on a feed's `AnswerUpdated`; a Chainlink feed is read
 * through a proxy, but the event is emitted by the proxy's current aggregator, so the trigger must filter the
 * aggregator's address (read from the proxy's `aggregator()`), and be registered again when Chainlink points
 * the proxy at a new aggregator.
 */
import { Contract, ZeroHash, type Provider } from 'ethers'
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
