/** The por-feed workflow's config (the JSON file the CRE CLI deploys with the workflow). */
import { z } from 'zod'
import { CronScheduleError, longestCronIntervalSeconds } from '../shared/cron'
import { addressField, chainSelectorNameField, gasLimitField, scheduleField } from '../shared/config'
import { dataIdDecimals, isDataId } from './report'

/** A JSON object, as the adapter takes it. */
const jsonObject = z.record(z.string(), z.unknown())

const seconds = z.number().int().positive()

export const configSchema = z
  .object({
    /** Cron schedule of the reads. */
    schedule: scheduleField,
    /** The adapter endpoint: one POST per node per execution. */
    adapterUrl: z
      .string()
      .url('must be an http(s) URL')
      .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL'),
    /**
     * The bridge request body, sent as is: `{ "data": { …the adapter's input } }`, optionally with
     * `id` and `meta`. Ask for the aggregated figure in one request (e.g. btc-balance's `balance`
     * endpoint with the whole address list), so that an execution stays at one HTTP call per node.
     */
    adapterRequest: z
      .object({
        id: z.string().optional(),
        data: jsonObject,
        meta: jsonObject.optional(),
      })
      .strict(),
    /** Timeout of the adapter call, in seconds (the HTTP capability's default when absent). */
    timeoutSeconds: seconds.optional(),
    /**
     * The field of the adapter's `data` that says when its figure was true (attestation: `attestedAt`;
     * gold-vault: `asOf`), an ISO-8601 or HTTP date. Absent: the execution's DON time, read before the call.
     */
    asOfField: z.string().min(1).optional(),
    /** Decimals of the answer: the adapter's `data.decimals` must equal them, and so must the data id's. */
    decimals: z.number().int().min(0).max(64),
    /** Chain of the feed. */
    chainSelectorName: chainSelectorNameField,
    /** The DataFeedsCache the reports are written to, and the feed's answer read from. */
    dataFeedsCacheAddress: addressField,
    /** The feed's data id in the cache (bytes16), whose byte 7 carries the decimals (0x20 + decimals). */
    dataId: z
      .string()
      .refine(isDataId, 'must be a bytes16 data id: 0x and 32 hex digits')
      .refine((id) => !/^0x0{32}$/.test(id), 'must not be zero'),
    /** A write is due when the answer moved by at least this many basis points (0: any change). */
    deviationBps: z.number().int().min(0).max(10_000),
    /**
     * The heartbeat the feed's readers hold it to (the asset's heartbeat in the ReserveGuard and the
     * SecureMintToken), in seconds: a write is due before the answer gets that old.
     */
    heartbeatSeconds: seconds,
    /** Time allowed from the start of an execution to its report landing on-chain, in seconds. */
    deliveryMarginSeconds: seconds,
    /** Gas limit of the forwarder transaction that delivers a report. */
    gasLimit: gasLimitField,
  })
  .strict()
  .superRefine((config, context) => {
    if (isDataId(config.dataId) && dataIdDecimals(config.dataId) !== config.decimals) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['dataId'],
        message: `carries ${dataIdDecimals(config.dataId) ?? 'no'} decimals (byte 7 is 0x20 + decimals); decimals is ${config.decimals}`,
      })
    }
    let period: number
    try {
      period = longestCronIntervalSeconds(config.schedule)
    } catch (error) {
      if (!(error instanceof CronScheduleError)) throw error
      context.addIssue({ code: z.ZodIssueCode.custom, path: ['schedule'], message: error.message })
      return
    }
    const needed = period + config.deliveryMarginSeconds
    if (config.heartbeatSeconds <= needed) {
      context.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['heartbeatSeconds'],
        message:
          `${config.heartbeatSeconds} s cannot hold: the schedule waits up to ${period} s between runs and a ` +
          `report may take deliveryMarginSeconds (${config.deliveryMarginSeconds} s) to land, so readers would ` +
          `see the answer stale before each new one; it must exceed ${needed} s`,
      })
    }
  })

/** The config as the workflow sees it. */
export type Config = z.output<typeof configSchema>

/** The longest wait between two runs of the configured schedule (validated by the schema). */
export function cronPeriodSeconds(config: Config): number {
  return longestCronIntervalSeconds(config.schedule)
}
