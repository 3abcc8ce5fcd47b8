import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { parseDecimal } from '#common/decimal'
import { providerBlock, urlListSetting } from '#common/provider-settings'

/** How the custodian's API is read: timeouts, retries, concurrency, rate and the API key. */
export const GOLD_VAULT = providerBlock('GOLD_VAULT', {
  provider: 'vault API',
  keySetting: 'GOLD_VAULT_API_KEY',
  headerSetting: 'GOLD_VAULT_API_KEY_HEADER',
  headerDefault: 'x-api-key',
  concurrency: 4,
  concurrencyPerRequest: 2,
  // About 100,000 bars as JSON (some 150 bytes each), 300,000 as an LBMA CSV: a token's vault holds thousands.
  maxBodyBytes: 16 * 1024 ** 2,
})

/** A fineness bound in parts per thousand: exact decimal text in (0, 1000]. */
const finenessBound = {
  meta: { details: 'parts per thousand, a decimal in (0, 1000]' },
  fn: (value?: string) => {
    if (value === undefined) return undefined
    try {
      const { units, decimals } = parseDecimal(value)
      if (units > 0n && units <= 1000n * 10n ** BigInt(decimals)) return undefined
    } catch {
      // fall through
    }
    return `${value} is not a fineness in parts per thousand, in (0, 1000]`
  },
}

/**
 * The adapter's settings. The framework reads the environment when an adapter is constructed,
 * so each adapter gets its own config.
 */
export const makeConfig = () =>
  new AdapterConfig({
    GOLD_VAULT_API_URL: urlListSetting(
      'Vault custodian API base URL(s); a request reads `<url>/<vault>`. A comma-separated list fails over in order',
      true,
    ),
    ...GOLD_VAULT.definitions,
    GOLD_VAULT_MAX_AGE_SECONDS: {
      type: 'number',
      description: 'Oldest bar list (or dated summary) accepted, in seconds',
      default: 86_400,
      validate: validator.integer({ min: 1, max: 366 * 86_400 }),
    },
    GOLD_VAULT_FUTURE_SKEW_SECONDS: {
      type: 'number',
      description: 'How far in the future a bar list may be dated (clock skew) before it is rejected',
      default: 300,
      validate: validator.integer({ min: 0, max: 3_600 }),
    },
    GOLD_VAULT_MIN_FINENESS: {
      type: 'string',
      description: 'Lowest fineness accepted, in parts per thousand (LBMA Good Delivery: 995.0)',
      default: '995.0',
      sensitive: false,
      validate: finenessBound,
    },
    GOLD_VAULT_MAX_FINENESS: {
      type: 'string',
      description: 'Highest fineness accepted, in parts per thousand',
      default: '999.9',
      sensitive: false,
      validate: finenessBound,
    },
  })

export type Settings = ReturnType<typeof makeConfig>['settings']
