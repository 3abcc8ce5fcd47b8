/**
 * por-feed: a Proof-of-Reserve feed on CRE. On each cron tick every DON node calls one of our
 * external adapters once (the aggregated endpoint), the nodes agree on the median of their answers,
 * and the DON writes `abi.encode(int256 answer, uint8 decimals, uint64 observedAt)` to the receiver.
 * A ripcord, a failed or malformed answer, or decimals other than the configured ones: that node
 * observes an error, and without enough good observations the execution writes nothing.
 */
import {
  bytesToBase64,
  consensusMedianAggregation,
  type CronPayload,
  cre,
  type HTTPSendRequester,
  type Runtime,
  text,
} from '@chainlink/cre-sdk'
import { evmClientFor } from '../shared/config'
import { writeReport } from '../shared/write-report'
import { readAdapterAnswer } from './adapter-answer'
import type { Config } from './config'
import { encodePorReport } from './report'

/**
 * Consensus on the answer: the median of the nodes' observations, each a bigint. The SDK sends a
 * bigint as the protobuf BigInt value (magnitude bytes and sign, not a float64), and the DON's median
 * of BigInt values compares them as big integers and returns one of them (the lower middle one for
 * an even count): exact at any size. A JS number would travel as float64 and round above 2^53.
 */
export const reserveConsensus = consensusMedianAggregation<bigint>()

/** Node mode: one POST of the configured bridge request to the adapter, read into an exact integer. */
export function observeReserve(http: HTTPSendRequester, config: Config): bigint {
  const response = http
    .sendRequest({
      url: config.adapterUrl,
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: bytesToBase64(new TextEncoder().encode(JSON.stringify(config.adapterRequest))),
      ...(config.timeoutSeconds === undefined ? {} : { timeout: `${config.timeoutSeconds}s` }),
    })
    .result()
  return readAdapterAnswer(response.statusCode, text(response), config.decimals)
}

/** The answer the DON agrees on; throws when too few nodes observed a good one. */
export function agreeOnReserve(runtime: Runtime<Config>): bigint {
  const http = new cre.capabilities.HTTPClient()
  return http.sendRequest(runtime, observeReserve, reserveConsensus)(runtime.config).result()
}

export function onCron(runtime: Runtime<Config>, _payload: CronPayload): string {
  const { decimals, chainSelectorName, receiverAddress, gasLimit } = runtime.config
  // DON time, read before the adapter is called: the answer is at least as recent as observedAt.
  const observedAt = BigInt(Math.floor(runtime.now().getTime() / 1000))
  const answer = agreeOnReserve(runtime)
  runtime.log(`agreed reserve ${answer} (${decimals} decimals), observed at ${observedAt}`)
  const payload = encodePorReport({ answer, decimals, observedAt })
  const txHash = writeReport(runtime, evmClientFor(chainSelectorName), receiverAddress, payload, gasLimit)
  runtime.log(`report delivered to ${receiverAddress}${txHash ? ` in ${txHash}` : ''}`)
  return payload
}

export function initWorkflow(config: Config) {
  const cron = new cre.capabilities.CronCapability()
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCron)]
}
