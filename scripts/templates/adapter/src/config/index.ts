import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { providerBlock, urlListSetting } from '#common/provider-settings'

/** How the reserves API is read: timeouts, retries, concurrency, rate and the API key. */
export const RESERVES_API = providerBlock('ADAPTER_TEMPLATE', {
  provider: 'reserves API',
  keySetting: 'ADAPTER_TEMPLATE_API_KEY',
  headerSetting: 'ADAPTER_TEMPLATE_API_KEY_HEADER',
  headerDefault: 'x-api-key',
  concurrency: 4,
  concurrencyPerRequest: 2,
  // The largest answer read: room for the largest honest answer of the provider, no more.
  maxBodyBytes: 1024 ** 2,
})

/**
 * The adapter's settings. The framework reads the environment when an adapter is constructed,
 * so each adapter gets its own config.
 */
export const makeConfig = () =>
  new AdapterConfig({
    ADAPTER_TEMPLATE_API_URL: urlListSetting(
      'Reserves API base URL(s); a request reads `<url>/<account>`. A comma-separated list fails over in order',
      true,
    ),
    ...RESERVES_API.definitions,
    ADAPTER_TEMPLATE_MAX_AGE_SECONDS: {
      type: 'number',
      description: 'Oldest reserves figure accepted (by its asOf), in seconds',
      default: 86_400,
      validate: validator.integer({ min: 1, max: 366 * 86_400 }),
    },
    ADAPTER_TEMPLATE_FUTURE_SKEW_SECONDS: {
      type: 'number',
      description: 'How far in the future a figure may be dated (clock skew) before it is rejected',
      default: 300,
      validate: validator.integer({ min: 0, max: 3_600 }),
    },
  })

export type Settings = ReturnType<typeof makeConfig>['settings']
