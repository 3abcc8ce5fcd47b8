import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { providerBlock, urlListSetting } from '#common/provider-settings'
import { decimalSetting } from '#common/settings'

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
const finenessSetting = (description: string, defaultValue: string) =>
  decimalSetting(description, defaultValue, { positive: true, max: '1000' })

/**
 * The settings of a vault read beside the API's URL, under the names every adapter reading one
 * gives them (the proof-of-reserves composite declares the same).
 */
export const GOLD_VAULT_SETTINGS = {
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
  GOLD_VAULT_MIN_FINENESS: finenessSetting(
    'Lowest fineness accepted, in parts per thousand (LBMA Good Delivery: 995.0)',
    '995.0',
  ),
  GOLD_VAULT_MAX_FINENESS: finenessSetting('Highest fineness accepted, in parts per thousand', '999.9'),
  GOLD_VAULT_MAX_BAR_TROY_OUNCES: decimalSetting(
    'Heaviest bar accepted, gross troy ounces (LBMA Good Delivery bars hold 350–430 fine oz); a heavier one cannot exist and is refused (502)',
    '500',
    { positive: true },
  ),
  GOLD_VAULT_MAX_TOTAL_TROY_OUNCES: decimalSetting(
    'Most fine gold a request’s vaults may hold together, troy ounces; more is refused (502). The default, 7 billion oz (about 218,000 t), is more than all the gold ever mined: set it near the custodian’s holdings',
    '7000000000',
    { positive: true },
  ),
  GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS: decimalSetting(
    'How far, in grams, a grams_locked sent beside a bar list may be from the fine gold of its bars (the summary’s rounding)',
    '0.001',
  ),
} as const

const API_URL_DESCRIPTION =
  'Vault custodian API base URL(s); a request reads `<url>/<vault>`. A comma-separated list fails over in order'

/** `GOLD_VAULT_API_URL`: required by this adapter, optional where a vault is one source of several. */
export const vaultUrlSetting = <R extends boolean>(required: R) =>
  urlListSetting(API_URL_DESCRIPTION, required)

/**
 * The adapter's settings. The framework reads the environment when an adapter is constructed,
 * so each adapter gets its own config.
 */
export const makeConfig = () =>
  new AdapterConfig({ GOLD_VAULT_API_URL: vaultUrlSetting(true), ...GOLD_VAULT_SETTINGS })

export type Settings = ReturnType<typeof makeConfig>['settings']

/** What a vault read needs of the settings (those of {@link GOLD_VAULT_SETTINGS}). */
export type VaultSettings = Pick<Settings, keyof typeof GOLD_VAULT_SETTINGS>
