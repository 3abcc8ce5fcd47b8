/** The por-feed workflow's config (the JSON file the CRE CLI deploys with the workflow). */
import { z } from 'zod'
import { addressField, chainSelectorNameField, gasLimitField, scheduleField } from '../shared/config'

/** A JSON object, as the adapter takes it. */
const jsonObject = z.record(z.string(), z.unknown())

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
    timeoutSeconds: z.number().int().positive().optional(),
    /** Decimals of the answer: the adapter's `data.decimals` must equal them, and so must the receiver's. */
    decimals: z.number().int().min(0).max(255),
    /** Chain of the receiver. */
    chainSelectorName: chainSelectorNameField,
    /** The receiver contract (an IReceiver) the reports are written to. */
    receiverAddress: addressField,
    /** Gas limit of the forwarder transaction that delivers a report. */
    gasLimit: gasLimitField,
  })
  .strict()

/** The config as the workflow sees it. */
export type Config = z.output<typeof configSchema>
