/** The reserve-guard workflow's config (the JSON file the CRE CLI deploys with the workflow). */
import { z } from 'zod'
import {
  addressField,
  chainSelectorNameField,
  gasLimitField,
  hexBytesField,
  scheduleField,
} from '../shared/config'

export const configSchema = z
  .object({
    /** Chain of the guard and of the watched aggregators. */
    chainSelectorName: chainSelectorNameField,
    /** The ReserveGuard: read with `checkUpkeep`, and the receiver of the reports. */
    guardAddress: addressField,
    /** Passed to `checkUpkeep` unchanged (opaque to the workflow). */
    checkData: hexBytesField.default('0x'),
    /**
     * Block `checkUpkeep` is read at. `latest` (default) acts on a shortfall as soon as it is
     * on-chain; `finalized` waits for finality (minutes on Ethereum) but reads a block every node
     * agrees on. Either way the guard re-checks on-chain when the report arrives.
     */
    readBlock: z.enum(['latest', 'finalized']).default('latest'),
    /** Gas limit of the forwarder transaction that delivers a report to the guard. */
    gasLimit: gasLimitField,
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

/** The config as the workflow sees it, defaults applied. */
export type Config = z.output<typeof configSchema>
