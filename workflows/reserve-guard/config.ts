/** The reserve-guard workflow's config (the JSON file the CRE CLI deploys with the workflow). */
import { z } from 'zod'
import { addressField, chainSelectorNameField, gasLimitField, scheduleField } from '../shared/config'
import { entriesCovered, MAX_ENTRIES, MIN_GAS_PER_ASSET, reportGasLimit } from './gas'

export const configSchema = z
  .object({
    /** Chain of the guard and of the watched aggregators. */
    chainSelectorName: chainSelectorNameField,
    /** The ReserveGuard: read with `checkUpkeep`, and the receiver of the reports. */
    guardAddress: addressField,
    /**
     * Block `checkUpkeep` is read at. `latest` (default) acts on a shortfall as soon as it is
     * on-chain; `finalized` waits for finality (minutes on Ethereum) but reads a block every node
     * agrees on. Either way the guard re-checks on-chain when the report arrives.
     */
    readBlock: z.enum(['latest', 'finalized']).default('latest'),
    /** Gas limit of the forwarder transaction that delivers a report to the guard. */
    gasLimit: gasLimitField,
    /**
     * The most entries one report lists (`checkUpkeep` is read with `abi.encode(maxEntries)`); default: as many
     * as `gasLimit` covers (see ./gas.ts), at most the guard's `MAX_ENTRIES`.
     */
    maxEntries: z.number().int().min(1).max(MAX_ENTRIES).optional(),
    /**
     * The most gas one entry may need: the guard's `MIN_GAS_PER_ASSET`, or, when an asset has more pause gas,
     * the largest `performGasNeeded(target)` of the guard's assets.
     */
    gasPerEntry: gasLimitField.default(MIN_GAS_PER_ASSET.toString()),
    /** Cron schedule of the periodic check. */
    schedule: scheduleField,
    /**
     * Aggregators whose `AnswerUpdated` wakes the workflow up: each reserve (and supply) feed's current
     * aggregator, not its proxy, since the event is emitted by the aggregator. Empty: cron only.
     */
    watchedAggregators: z.array(addressField).default([]),
    /**
     * Tokens whose mints (`Transfer` from the zero address) wake the workflow up: a supply that jumps with no feed
     * update is then checked at once, not at the next cron. Each asset's token (a token emits its own events,
     * through its proxy's address). Empty: no mint trigger.
     */
    watchedTokens: z.array(addressField).default([]),
    /** How final a watched log must be before it triggers (the CRE log trigger's confidence level). */
    logConfidence: z.enum(['LATEST', 'SAFE', 'FINALIZED']).default('LATEST'),
  })
  .strict()
  .superRefine((config, context) => {
    // The guard's onReport reverts when it lacks the gas for its whole list: a report listing more than the
    // gas limit covers would revert at every delivery (./gas.ts). Only once both gas fields are valid numbers.
    if (![config.gasLimit, config.gasPerEntry].every((gas) => /^[1-9][0-9]*$/.test(gas))) return
    const gasPerEntry = BigInt(config.gasPerEntry)
    if (gasPerEntry < MIN_GAS_PER_ASSET) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['gasPerEntry'],
        message: `must be at least the guard's MIN_GAS_PER_ASSET (${MIN_GAS_PER_ASSET})`,
      })
      return
    }
    const entries = config.maxEntries ?? 1
    const needed = reportGasLimit(entries, gasPerEntry)
    if (BigInt(config.gasLimit) < needed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['gasLimit'],
        message:
          `${config.gasLimit} does not cover a report of ${entries} ${entries === 1 ? 'entry' : 'entries'} of up to ` +
          `${gasPerEntry} gas each: the guard's onReport would revert at every delivery; it must be at least ${needed}` +
          (config.maxEntries === undefined ? '' : ', or maxEntries lower'),
      })
    }
  })
  .transform((config) => ({
    ...config,
    maxEntries: config.maxEntries ?? entriesCovered(BigInt(config.gasLimit), BigInt(config.gasPerEntry)),
  }))

/** The config as the workflow sees it, defaults applied. */
export type Config = z.output<typeof configSchema>
