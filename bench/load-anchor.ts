/**
 * The anchor of `npm run bench:load`: the smallest thing the adapter framework serves. A plain
 * framework `Adapter` (not our ReserveAdapter) with one endpoint, no inputs, whose subscription
 * transport writes a constant to the response cache on every background tick: a request is
 * answered from the cache exactly as our adapters' are, with none of our code on the way.
 * Started in its own process by bench/load.ts, like the adapters it is compared with:
 *   node --import tsx bench/load-anchor.ts     (settings from the environment, as `npm start`)
 */
import { expose } from '@chainlink/external-adapter-framework'
import { Adapter, AdapterEndpoint, type EndpointContext } from '@chainlink/external-adapter-framework/adapter'
import type { BaseAdapterSettings } from '@chainlink/external-adapter-framework/config'
import { SubscriptionTransport } from '@chainlink/external-adapter-framework/transports/abstract/subscription'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { TypeFromDefinition } from '@chainlink/external-adapter-framework/validation/input-params'

/** The anchor's answer. */
export const ANCHOR_RESULT = '1000000000000000000'

const inputParameters = new InputParameters({})

type AnchorTypes = {
  Parameters: typeof inputParameters.definition
  Response: { Result: string; Data: { result: string } }
  Settings: BaseAdapterSettings
}

class ConstantTransport extends SubscriptionTransport<AnchorTypes> {
  async backgroundHandler(
    context: EndpointContext<AnchorTypes>,
    entries: TypeFromDefinition<AnchorTypes['Parameters']>[],
  ): Promise<void> {
    const now = Date.now()
    await this.responseCache.write(
      this.name,
      entries.map((params) => ({
        params,
        response: {
          result: ANCHOR_RESULT,
          data: { result: ANCHOR_RESULT },
          timestamps: {
            providerDataRequestedUnixMs: now,
            providerDataReceivedUnixMs: now,
            providerIndicatedTimeUnixMs: undefined,
          },
        },
      })),
    )
    await new Promise((resolve) => setTimeout(resolve, context.adapterSettings.BACKGROUND_EXECUTE_MS_HTTP))
  }

  getSubscriptionTtlFromConfig(settings: BaseAdapterSettings): number {
    return settings.WARMUP_SUBSCRIPTION_TTL
  }
}

/** The anchor adapter (built when its process starts: the framework reads settings on construction). */
export const makeAnchor = () =>
  new Adapter({
    name: 'ANCHOR',
    defaultEndpoint: 'constant',
    endpoints: [
      new AdapterEndpoint({ name: 'constant', transport: new ConstantTransport(), inputParameters }),
    ],
  })

if (import.meta.url === `file://${process.argv[1]}`) {
  expose(makeAnchor()).catch((error: unknown) => {
    console.error(error)
    process.exit(1)
  })
}
