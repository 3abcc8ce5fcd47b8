/**
 * por-feed: a Proof-of-Reserve feed on CRE, written to Chainlink's DataFeedsCache. On each cron tick every
 * DON node calls one of our external adapters once (the aggregated endpoint), the nodes agree on the median
 * answer and as-of time, the workflow reads what the feed holds (the EVM read capability), and only when a
 * write is due ({@link decideWrite}: a move past the deviation threshold, or an answer about to outlive the
 * readers' heartbeat) the DON writes a decimal report `(dataId, timestamp, answer)` to the cache. A
 * ripcord, a failed or malformed answer, or decimals other than the configured ones: that node observes an
 * error, and without enough good observations the execution writes nothing.
 */
import {
  bytesToBase64,
  bytesToHex,
  ConsensusAggregationByFields,
  type CronPayload,
  cre,
  encodeCallMsg,
  type HTTPSendRequester,
  LATEST_BLOCK_NUMBER,
  median,
  type Runtime,
  text,
} from '@chainlink/cre-sdk'
import { decodeFunctionResult, encodeFunctionData, parseAbi, zeroAddress } from 'viem'
import { evmClientFor } from '../shared/config'
import { writeReport } from '../shared/write-report'
import { readAdapterAnswer } from './adapter-answer'
import { type Config, cronPeriodSeconds } from './config'
import { decideWrite, type HeldAnswer, type Reading } from './gate'
import { encodeDecimalReports } from './report'

/** The DataFeedsCache read by data id (checked against the build in the tests). */
export const CACHE_ABI = parseAbi([
  'function getLatestRoundData(bytes16 dataId) view returns (uint80 id, int256 answer, uint256 startedAt, uint256 updatedAt, uint80 answeredInRound)',
])

/**
 * Consensus on the reading: the median of the nodes' answers and, separately, of their as-of times, each
 * a bigint. The SDK sends a bigint as the protobuf BigInt value (magnitude bytes and sign, not a float64),
 * and the DON's median of BigInt values compares them as big integers and returns one of them (the lower
 * middle one for an even count): exact at any size. A JS number would travel as float64 and round above 2^53.
 */
export const readingConsensus = ConsensusAggregationByFields<Reading>({ answer: median, asOf: median })

/**
 * Node mode: one POST of the configured bridge request to the adapter, read into an exact integer and the
 * time it was true: the adapter's own date (`asOfField`), never later than the execution's DON time, or the
 * DON time when the adapter gives none.
 */
export function observeReserve(http: HTTPSendRequester, config: Config, donTime: bigint): Reading {
  const response = http
    .sendRequest({
      url: config.adapterUrl,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: bytesToBase64(new TextEncoder().encode(JSON.stringify(config.adapterRequest))),
      ...(config.timeoutSeconds === undefined ? {} : { timeout: `${config.timeoutSeconds}s` }),
    })
    .result()
  const { answer, asOfMs } = readAdapterAnswer(response.statusCode, text(response), config)
  const dated = asOfMs === undefined ? donTime : BigInt(Math.floor(asOfMs / 1000))
  // A date after the execution started (the adapter's clock ahead of the DON's) is taken as the DON time.
  return { answer, asOf: dated < donTime ? dated : donTime }
}

/** The reading the DON agrees on; throws when too few nodes observed a good one. */
export function agreeOnReserve(runtime: Runtime<Config>, donTime: bigint): Reading {
  const http = new cre.capabilities.HTTPClient()
  return http.sendRequest(runtime, observeReserve, readingConsensus)(runtime.config, donTime).result()
}

/** What the feed holds now (latest block): its answer and timestamp, both 0 before the first write. */
export function readHeldAnswer(runtime: Runtime<Config>): HeldAnswer {
  const { chainSelectorName, dataFeedsCacheAddress, dataId } = runtime.config
  const reply = evmClientFor(chainSelectorName)
    .callContract(runtime, {
      call: encodeCallMsg({
        from: zeroAddress,
        to: dataFeedsCacheAddress,
        data: encodeFunctionData({ abi: CACHE_ABI, functionName: 'getLatestRoundData', args: [dataId] }),
      }),
      blockNumber: LATEST_BLOCK_NUMBER,
    })
    .result()
  if (reply.data.length === 0) {
    throw new Error(
      `getLatestRoundData on ${dataFeedsCacheAddress} returned no data: no DataFeedsCache at that address on ${chainSelectorName}?`,
    )
  }
  const [, answer, , updatedAt] = decodeFunctionResult({
    abi: CACHE_ABI,
    functionName: 'getLatestRoundData',
    data: bytesToHex(reply.data),
  })
  return { answer, timestamp: updatedAt }
}

export function onCron(runtime: Runtime<Config>, _payload: CronPayload): string {
  const config = runtime.config
  const { decimals, chainSelectorName, dataFeedsCacheAddress, dataId, gasLimit } = config
  // DON time, read before the adapter is called: the answer is at least as recent as it.
  const now = BigInt(Math.floor(runtime.now().getTime() / 1000))
  const reading = agreeOnReserve(runtime, now)
  runtime.log(`agreed reserve ${reading.answer} (${decimals} decimals), as of ${reading.asOf}`)
  const held = readHeldAnswer(runtime)
  const decision = decideWrite(held, reading, now, {
    ...config,
    cronPeriodSeconds: cronPeriodSeconds(config),
  })
  if (!decision.write) {
    runtime.log(`no write (${decision.reason}): ${decision.detail}`)
    return `skipped: ${decision.reason}`
  }
  runtime.log(`write due (${decision.reason}): ${decision.detail}`)
  const payload = encodeDecimalReports([{ dataId, timestamp: reading.asOf, answer: reading.answer }])
  const txHash = writeReport(
    runtime,
    evmClientFor(chainSelectorName),
    dataFeedsCacheAddress,
    payload,
    gasLimit,
  )
  runtime.log(`report delivered to ${dataFeedsCacheAddress}${txHash ? ` in ${txHash}` : ''}`)
  return `written ${payload}`
}

export function initWorkflow(config: Config) {
  const cron = new cre.capabilities.CronCapability()
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCron)]
}
