/**
 * The settings block every HTTP provider is read with (timeouts, retries, backoff, concurrency,
 * request rate, API key and its header), and the {@link ProviderClient} built from it. Each
 * adapter names its block with a prefix (`ESPLORA`, `ATTESTATION`, `GOLD_VAULT`); the URL
 * settings stay the adapter's own (one list, or one per network).
 */
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { maxBodyBytesSetting } from './settings'
import { ProviderClient, isHttpUrl, parseUrlList } from './provider-client'

/**
 * A setting holding a provider's base URL(s), comma-separated in failover order (sensitive: a
 * URL may carry credentials, `https://user:password@host/…`, sent as HTTP Basic, or an API key
 * in its path or query). Checked when the adapter starts: every entry an http(s) URL, named by
 * its position, never quoted.
 */
export function urlListSetting<R extends boolean = false>(description: string, required?: R) {
  return {
    type: 'string',
    description,
    required: (required ?? false) as R,
    sensitive: true,
    validate: {
      meta: { details: 'comma-separated http(s) URLs' },
      fn: (value?: string) => {
        const bad = parseUrlList(value).findIndex((url) => !isHttpUrl(url))
        return bad < 0 ? undefined : `entry ${bad + 1} is not an http(s) URL`
      },
    },
  } as const
}

/** What an adapter says about its provider to get its settings block. */
export interface ProviderBlockOptions<K extends string, H extends string> {
  /** The provider's name in descriptions ("Esplora", "attestation API"). */
  provider: string
  /** The setting holding the API key (sensitive), and the one naming its header. */
  keySetting: K
  headerSetting: H
  /** The header the key goes in unless the operator names another. */
  headerDefault: string
  /** Requests in flight at once, by default. */
  concurrency: number
  /** Requests in flight at once for one adapter request (its share), by default. */
  concurrencyPerRequest: number
  /** The largest answer read, in bytes, by default: room for the largest honest answer. */
  maxBodyBytes: number
  /**
   * What the concurrency cap and rate limit are shared by, as the settings' descriptions say it:
   * "across the adapter" (the default) when the adapter holds one client for the provider, or
   * e.g. "per chain, across all requests" when it holds one per chain.
   */
  scope?: string
}

const numberSetting = (description: string, defaultValue: number, min: number, max: number) =>
  ({
    type: 'number',
    description,
    default: defaultValue,
    validate: validator.integer({ min, max }),
  }) as const

/** The setting names of a block with prefix `P`. */
export type ProviderNumberSetting<P extends string> =
  | `${P}_REQUEST_TIMEOUT_MS`
  | `${P}_RETRIES`
  | `${P}_RETRY_BACKOFF_MS`
  | `${P}_CONCURRENCY`
  | `${P}_CONCURRENCY_PER_REQUEST`
  | `${P}_REQUESTS_PER_SECOND`
  | `${P}_MAX_BODY_BYTES`

/** The settings values a block reads: its numbers, the key pair and the URL list settings. */
export type ProviderBlockValues<P extends string, K extends string, H extends string> = {
  [N in ProviderNumberSetting<P>]: number
} & { [N in K]?: string } & { [N in H]: string }

/**
 * A provider's settings block: `definitions` go into the adapter's AdapterConfig (`<P>_REQUEST_TIMEOUT_MS`,
 * `<P>_RETRIES`, `<P>_RETRY_BACKOFF_MS`, `<P>_CONCURRENCY`, `<P>_CONCURRENCY_PER_REQUEST`,
 * `<P>_REQUESTS_PER_SECOND`, `<P>_MAX_BODY_BYTES` and the key pair);
 * `client` builds the {@link ProviderClient} for one URL-list setting from the adapter's settings.
 */
export function providerBlock<P extends string, K extends string, H extends string>(
  prefix: P,
  options: ProviderBlockOptions<K, H>,
) {
  const { provider } = options
  const Provider = provider[0].toUpperCase() + provider.slice(1)
  const scope = options.scope ?? 'across the adapter'
  const numbers = {
    [`${prefix}_REQUEST_TIMEOUT_MS`]: numberSetting(
      `Timeout of one ${provider} request attempt, in milliseconds`,
      10_000,
      100,
      60_000,
    ),
    [`${prefix}_RETRIES`]: numberSetting(
      'Retries per URL on 429, 5xx, network errors and timeouts, before failing over',
      2,
      0,
      10,
    ),
    [`${prefix}_RETRY_BACKOFF_MS`]: numberSetting(
      'First retry delay in milliseconds; it doubles on each retry',
      500,
      0,
      60_000,
    ),
    [`${prefix}_CONCURRENCY`]: numberSetting(
      `${Provider} requests in flight at once, ${scope}`,
      options.concurrency,
      1,
      256,
    ),
    [`${prefix}_CONCURRENCY_PER_REQUEST`]: numberSetting(
      `${Provider} requests one adapter request may have in flight at once (its share of ${prefix}_CONCURRENCY, which caps it); requests waiting for a slot take turns`,
      options.concurrencyPerRequest,
      1,
      256,
    ),
    [`${prefix}_REQUESTS_PER_SECOND`]: numberSetting(
      `${Provider} requests started per second, ${scope}; 0 means no limit`,
      0,
      0,
      100_000,
    ),
    [`${prefix}_MAX_BODY_BYTES`]: maxBodyBytesSetting(provider, options.maxBodyBytes),
  } as { [N in ProviderNumberSetting<P>]: ReturnType<typeof numberSetting> }
  const key = {
    [options.keySetting]: {
      type: 'string',
      description: `API key sent in the ${options.headerSetting} header; unset sends no key`,
      sensitive: true,
    },
    [options.headerSetting]: {
      type: 'string',
      description: `Name of the header that carries ${options.keySetting}`,
      default: options.headerDefault,
      sensitive: false,
    },
  } as {
    [N in K]: { readonly type: 'string'; readonly description: string; readonly sensitive: true }
  } & {
    [N in H]: {
      readonly type: 'string'
      readonly description: string
      readonly default: string
      readonly sensitive: false
    }
  }
  return {
    definitions: { ...numbers, ...key },
    /** The client for the URL list in setting `urlSetting`, which also names it in error messages. */
    client<U extends string>(
      settings: ProviderBlockValues<P, K, H> & { [N in U]?: string },
      urlSetting: U,
    ): ProviderClient {
      const values = settings as unknown as Record<string, number | string | undefined>
      const number = (name: string) => values[`${prefix}_${name}`] as number
      const key = values[options.keySetting] as string | undefined
      return new ProviderClient({
        urls: parseUrlList(values[urlSetting] as string | undefined),
        headers: key ? { [values[options.headerSetting] as string]: key } : undefined,
        timeoutMs: number('REQUEST_TIMEOUT_MS'),
        retries: number('RETRIES'),
        backoffMs: number('RETRY_BACKOFF_MS'),
        concurrency: number('CONCURRENCY'),
        concurrencyPerRequest: number('CONCURRENCY_PER_REQUEST'),
        requestsPerSecond: number('REQUESTS_PER_SECOND'),
        maxBodyBytes: number('MAX_BODY_BYTES'),
        label: urlSetting,
      })
    },
  }
}
