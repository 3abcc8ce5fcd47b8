import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { parseDecimal } from '#common/decimal'

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
  new AdapterConfig(
    {
      GOLD_VAULT_API_URL: {
        type: 'string',
        description:
          'Vault custodian API base URL(s); a request reads `<url>/<vault>`. A comma-separated list fails over in order',
        required: true,
        sensitive: true,
      },
      GOLD_VAULT_API_KEY: {
        type: 'string',
        description: 'API key sent in the GOLD_VAULT_API_KEY_HEADER header; unset sends no key',
        sensitive: true,
      },
      GOLD_VAULT_API_KEY_HEADER: {
        type: 'string',
        description: 'Name of the header that carries GOLD_VAULT_API_KEY',
        default: 'x-api-key',
        sensitive: false,
      },
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
      GOLD_VAULT_REQUEST_TIMEOUT_MS: {
        type: 'number',
        description: 'Timeout of one request attempt, in milliseconds',
        default: 10_000,
        validate: validator.integer({ min: 100, max: 60_000 }),
      },
      GOLD_VAULT_RETRIES: {
        type: 'number',
        description: 'Retries per URL on 429, 5xx, network errors and timeouts, before failing over',
        default: 2,
        validate: validator.integer({ min: 0, max: 10 }),
      },
      GOLD_VAULT_RETRY_BACKOFF_MS: {
        type: 'number',
        description: 'First retry delay in milliseconds; it doubles on each retry',
        default: 500,
        validate: validator.integer({ min: 0, max: 60_000 }),
      },
    },
    {
      envDefaultOverrides: {
        // The framework's defaults for PoR adapters: reads may be slow.
        BACKGROUND_EXECUTE_TIMEOUT: 180_000,
      },
    },
  )

export type GoldVaultSettings = ReturnType<typeof makeConfig>['settings']
