import type { EndpointContext } from '@chainlink/external-adapter-framework/adapter'
import type { TransportGenerics } from '@chainlink/external-adapter-framework/transports'
import { SubscriptionTransport } from '@chainlink/external-adapter-framework/transports/abstract/subscription'
import type { TypeFromDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { describeFailure } from './errors'

/** What a {@link ComputeTransport} produces for one request. */
export interface ComputedResponse<T extends TransportGenerics> {
  result: T['Response']['Result']
  data: T['Response']['Data']
  /** When the provider says the figure was true (attestation time, block time), if it says. */
  providerIndicatedTimeUnixMs?: number
}

/**
 * The transport every adapter in this repository uses: the framework's subscription model
 * (requests are registered, computed in the background, answered from the response cache),
 * where computing one request is a single async function.
 *
 * Anything `compute` throws becomes that request's cached error response, with the status
 * code of the AdapterError thrown (502 for anything else): a figure is never partially
 * reported.
 */
export abstract class ComputeTransport<T extends TransportGenerics> extends SubscriptionTransport<T> {
  abstract compute(
    params: TypeFromDefinition<T['Parameters']>,
    settings: T['Settings'],
  ): Promise<ComputedResponse<T>>

  async backgroundHandler(
    context: EndpointContext<T>,
    entries: TypeFromDefinition<T['Parameters']>[],
  ): Promise<void> {
    await Promise.all(entries.map((params) => this.computeAndCache(params, context.adapterSettings)))
    await new Promise((resolve) => setTimeout(resolve, context.adapterSettings.BACKGROUND_EXECUTE_MS_HTTP))
  }

  /** Computes one request and writes the outcome, success or error, to the response cache. */
  async computeAndCache(params: TypeFromDefinition<T['Parameters']>, settings: T['Settings']): Promise<void> {
    const providerDataRequestedUnixMs = Date.now()
    try {
      const { result, data, providerIndicatedTimeUnixMs } = await this.compute(params, settings)
      await this.responseCache.write(this.name, [
        {
          params,
          response: {
            result,
            data,
            timestamps: {
              providerDataRequestedUnixMs,
              providerDataReceivedUnixMs: Date.now(),
              providerIndicatedTimeUnixMs,
            },
          },
        },
      ])
    } catch (error) {
      const { statusCode, message } = describeFailure(error)
      await this.responseCache.write(this.name, [
        {
          params,
          response: {
            statusCode,
            errorMessage: message,
            timestamps: {
              providerDataRequestedUnixMs,
              providerDataReceivedUnixMs: Date.now(),
              providerIndicatedTimeUnixMs: undefined,
            },
          },
        },
      ])
    }
  }

  getSubscriptionTtlFromConfig(settings: T['Settings']): number {
    return settings.WARMUP_SUBSCRIPTION_TTL
  }
}
