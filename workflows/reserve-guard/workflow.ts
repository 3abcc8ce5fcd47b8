/**
 * reserve-guard: the ReserveGuard's Automation upkeep as a CRE workflow. On a cron tick, when a
 * watched aggregator emits `AnswerUpdated`, or when a watched token mints (`Transfer` from the zero
 * address), it asks the guard itself which assets are short (`checkUpkeep`, through the EVM read
 * capability, for at most as many as its gas limit covers) and, when the guard asks for upkeep, sends
 * the guard a DON-signed report whose payload is the guard's performData, byte for byte. The guard's
 * rules stay the only judge: nothing here re-implements ReserveCheck.
 */
import {
  bytesToHex,
  type CronPayload,
  cre,
  type EVMLog,
  encodeCallMsg,
  LAST_FINALIZED_BLOCK_NUMBER,
  LATEST_BLOCK_NUMBER,
  logTriggerConfig,
  type Runtime,
} from '@chainlink/cre-sdk'
import { decodeFunctionResult, encodeFunctionData, pad, parseAbi, toEventSelector, zeroAddress } from 'viem'
import type { Hex } from '../shared/abi-words'
import { evmClientFor } from '../shared/config'
import { writeReport } from '../shared/write-report'
import type { Config } from './config'
import { checkDataFor } from './gas'
import { decodeGuardEntries, entryIndex, entryTarget, guardReportPayload } from './report'

/** The guard's `checkUpkeep`, Chainlink's AutomationCompatibleInterface (checked against the build in the tests). */
export const GUARD_ABI = parseAbi([
  'function checkUpkeep(bytes checkData) view returns (bool upkeepNeeded, bytes performData)',
])

/** topic0 of a feed aggregator's `AnswerUpdated(int256 indexed current, uint256 indexed roundId, uint256 updatedAt)`. */
export const ANSWER_UPDATED_TOPIC = toEventSelector('AnswerUpdated(int256,uint256,uint256)')

/** topic0 of an ERC-20's `Transfer(address indexed from, address indexed to, uint256 value)`. */
export const TRANSFER_TOPIC = toEventSelector('Transfer(address,address,uint256)')

/** topic1 of a mint: `from`, the zero address, as a 32-byte topic. */
export const MINT_FROM_TOPIC = pad(zeroAddress)

/** Reads the guard's `checkUpkeep` and reports its performData when it asks for upkeep. */
export function checkGuard(runtime: Runtime<Config>): string {
  const { chainSelectorName, guardAddress, maxEntries, readBlock, gasLimit } = runtime.config
  const evm = evmClientFor(chainSelectorName)
  // No more entries than the gas limit covers: the guard reverts a report it lacks the gas to finish (./gas.ts).
  const checkData = checkDataFor(maxEntries)
  const reply = evm
    .callContract(runtime, {
      call: encodeCallMsg({
        from: zeroAddress,
        to: guardAddress,
        data: encodeFunctionData({ abi: GUARD_ABI, functionName: 'checkUpkeep', args: [checkData] }),
      }),
      blockNumber: readBlock === 'finalized' ? LAST_FINALIZED_BLOCK_NUMBER : LATEST_BLOCK_NUMBER,
    })
    .result()
  if (reply.data.length === 0) {
    throw new Error(
      `checkUpkeep on ${guardAddress} returned no data: no guard at that address on ${chainSelectorName}?`,
    )
  }
  const [upkeepNeeded, performData] = decodeFunctionResult({
    abi: GUARD_ABI,
    functionName: 'checkUpkeep',
    data: bytesToHex(reply.data),
  })
  if (!upkeepNeeded) {
    runtime.log(
      `guard ${guardAddress}: every asset backed or already paused (${readBlock} block); nothing to report`,
    )
    return 'backed'
  }

  const payload = guardReportPayload(performData)
  runtime.log(`guard ${guardAddress} asks for upkeep: ${describeEntries(payload)}`)
  const txHash = writeReport(runtime, evm, guardAddress, payload, gasLimit)
  runtime.log(`report delivered to guard ${guardAddress}${txHash ? ` in ${txHash}` : ''}`)
  return `reported ${payload}`
}

/** For the log: the targets and index hints in performData, or why they could not be read. */
function describeEntries(performData: Hex): string {
  try {
    const entries = decodeGuardEntries(performData)
    return entries.map((entry) => `${entryTarget(entry)} (index ${entryIndex(entry)})`).join(', ')
  } catch (error) {
    // Reported anyway: the guard decodes and re-checks performData itself when the report arrives.
    return `performData not readable here (${error instanceof Error ? error.message : String(error)}); reporting it as is`
  }
}

export function onCron(runtime: Runtime<Config>, _payload: CronPayload): string {
  return checkGuard(runtime)
}

/** The log only wakes the workflow up; nothing in it is trusted (the guard reads every asset anew). */
export function onAnswerUpdated(runtime: Runtime<Config>, log: EVMLog): string {
  runtime.log(`AnswerUpdated from ${bytesToHex(log.address)} in transaction ${bytesToHex(log.txHash)}`)
  return checkGuard(runtime)
}

/**
 * A mint with no feed update: a supply that may have outgrown its reserves, acted on at once rather than at the
 * next cron. As for a feed update, the log only wakes the workflow up (the guard reads every asset anew).
 */
export function onMint(runtime: Runtime<Config>, log: EVMLog): string {
  runtime.log(
    `mint of ${bytesToHex(log.address)} (Transfer from the zero address) in transaction ${bytesToHex(log.txHash)}`,
  )
  return checkGuard(runtime)
}

/**
 * The handlers, in trigger-index order: the cron check (index 0); `AnswerUpdated` from the watched aggregators,
 * when any are listed; mints of the watched tokens, when any are listed (the next index).
 */
export function initWorkflow(config: Config) {
  const cron = new cre.capabilities.CronCapability()
  const evm = evmClientFor(config.chainSelectorName)
  const logTrigger = (addresses: Hex[], topics: Hex[][]) =>
    evm.logTrigger(logTriggerConfig({ addresses, topics, confidence: config.logConfidence }))
  const feedUpdates =
    config.watchedAggregators.length === 0
      ? []
      : [cre.handler(logTrigger(config.watchedAggregators, [[ANSWER_UPDATED_TOPIC]]), onAnswerUpdated)]
  const mints =
    config.watchedTokens.length === 0
      ? []
      : [cre.handler(logTrigger(config.watchedTokens, [[TRANSFER_TOPIC], [MINT_FROM_TOPIC]]), onMint)]
  return [cre.handler(cron.trigger({ schedule: config.schedule }), onCron), ...feedUpdates, ...mints]
}
