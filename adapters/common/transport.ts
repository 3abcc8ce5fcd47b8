import { createHash } from 'node:crypto'
import type { EndpointContext } from '@chainlink/external-adapter-framework/adapter'
import type {
  TransportDependencies,
  TransportGenerics,
} from '@chainlink/external-adapter-framework/transports'
import { SubscriptionTransport } from '@chainlink/external-adapter-framework/transports/abstract/subscription'
import type { TypeFromDefinition } from '@chainlink/external-adapter-framework/validation/input-params'
import { DetailedAdapterError, describeFailure } from './errors'

/** How soon a request whose computation failed is tried again. */
export const RETRY_FAILED_AFTER_MS = 5_000

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
 * reported. A {@link DetailedAdapterError} adds its `details` to that response, and with
 * `replacesCachedResult` evicts a cached success the framework would otherwise keep serving.
 *
 * Responses are cached under {@link ComputeTransport.requestKey}, which `ReserveAdapter` also
 * makes its endpoint's `cacheKeyGenerator`: a digest of the exact (canonical) inputs. The
 * framework's own key lower-cases every text, so two requests differing only in the case of a
 * bitcoin address, an auditor's client or a vault (case-sensitive, all of them) would share an
 * entry, and each would be answered with the other's figure.
 */
export abstract class ComputeTransport<T extends TransportGenerics> extends SubscriptionTransport<T> {
  abstract compute(
    params: TypeFromDefinition<T['Parameters']>,
    settings: T['Settings'],
  ): Promise<ComputedResponse<T>>

  /** Each request's digest, computed once per inputs object (the subscription set keeps it). */
  private readonly digests = new WeakMap<object, string>()

  override async initialize(
    dependencies: TransportDependencies<T>,
    adapterSettings: T['Settings'],
    endpointName: string,
    transportName: string,
  ): Promise<void> {
    await super.initialize(dependencies, adapterSettings, endpointName, transportName)
    // The response cache of this endpoint keys entries as its cacheKeyGenerator does.
    this.responseCache.getCacheKey = (_transportName, params) => this.cacheKey(params)
  }

  /** SHA-256 of the inputs' JSON (keys sorted), base64url: case and every character kept. */
  digest(params: TypeFromDefinition<T['Parameters']>): string {
    const inputs = params as object
    let digest = this.digests.get(inputs)
    if (digest === undefined) {
      digest = createHash('sha256').update(sortedJson(inputs)).digest('base64url')
      this.digests.set(inputs, digest)
    }
    return digest
  }

  /**
   * The request's key, without the operator's CACHE_PREFIX: what the endpoint's
   * cacheKeyGenerator returns (the framework adds the prefix).
   */
  requestKey(params: TypeFromDefinition<T['Parameters']>): string {
    const { adapterName, endpointName } = this.responseCache
    return `${adapterName}-${endpointName}-${this.name}-${this.digest(params)}`
  }

  /** The request's response-cache key. */
  cacheKey(params: TypeFromDefinition<T['Parameters']>): string {
    const prefix = this.responseCache.adapterSettings.CACHE_PREFIX
    return `${prefix ? `${prefix}-` : ''}${this.requestKey(params)}`
  }

  /** When each subscribed request was last computed, and which are being computed now. */
  private readonly lastComputed = new Map<string, { at: number; failed: boolean }>()
  private readonly inFlight = new Set<string>()

  /**
   * Starts computing every subscribed request that is due, without waiting for it: a new
   * request is picked up on the next wake (BACKGROUND_EXECUTE_MS_HTTP) even while a long
   * computation (10,000 addresses) is still running. A success is refreshed after half of
   * CACHE_MAX_AGE, so the cache never runs dry while requests keep coming; a failure is
   * retried after {@link RETRY_FAILED_AFTER_MS}.
   */
  async backgroundHandler(
    context: EndpointContext<T>,
    entries: TypeFromDefinition<T['Parameters']>[],
  ): Promise<void> {
    const settings = context.adapterSettings
    const now = Date.now()
    for (const params of entries) {
      const key = JSON.stringify(params)
      const last = this.lastComputed.get(key)
      const dueAfter = last?.failed ? RETRY_FAILED_AFTER_MS : settings.CACHE_MAX_AGE / 2
      if (this.inFlight.has(key) || (last && now - last.at < dueAfter)) continue
      this.inFlight.add(key)
      void this.computeAndCache(params, settings).then((failed) => {
        this.lastComputed.set(key, { at: Date.now(), failed })
        this.inFlight.delete(key)
      })
    }
    await new Promise((resolve) => setTimeout(resolve, settings.BACKGROUND_EXECUTE_MS_HTTP))
  }

  /**
   * Computes one request and writes the outcome, success or error, to the response cache.
   * Resolves to true when it failed.
   */
  async computeAndCache(
    params: TypeFromDefinition<T['Parameters']>,
    settings: T['Settings'],
  ): Promise<boolean> {
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
      return false
    } catch (error) {
      const { statusCode, message, details } = describeFailure(error)
      if (error instanceof DetailedAdapterError && error.replacesCachedResult) {
        await this.responseCache.cache.delete(this.cacheKey(params))
      }
      await this.responseCache.write(this.name, [
        {
          params,
          response: {
            ...details,
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
      return true
    }
  }

  getSubscriptionTtlFromConfig(settings: T['Settings']): number {
    return settings.WARMUP_SUBSCRIPTION_TTL
  }
}

/** JSON with every object's keys sorted, so that the same inputs always give the same text. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  )
}
