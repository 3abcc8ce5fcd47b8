import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import type { HeadFreshness } from '#common/freshness'
import { providerBlock, urlListSetting } from '#common/provider-settings'
import type { BitcoinChainId } from '../rules/address'
import { DEFAULT_TIP_FRESHNESS } from '../rules/tip-freshness'

/** The setting holding each chain's Esplora URL list. */
export const ESPLORA_URL_SETTING: Record<BitcoinChainId, EsploraUrlSetting> = {
  mainnet: 'BITCOIN_MAINNET_ESPLORA_URL',
  testnet: 'BITCOIN_TESTNET_ESPLORA_URL',
  signet: 'BITCOIN_SIGNET_ESPLORA_URL',
  regtest: 'BITCOIN_REGTEST_ESPLORA_URL',
}

type EsploraUrlSetting =
  | 'BITCOIN_MAINNET_ESPLORA_URL'
  | 'BITCOIN_TESTNET_ESPLORA_URL'
  | 'BITCOIN_SIGNET_ESPLORA_URL'
  | 'BITCOIN_REGTEST_ESPLORA_URL'

/** The settings holding each chain's tip freshness limits (see src/rules/tip-freshness.ts). */
export const TIP_FRESHNESS_SETTING = {
  mainnet: {
    maxTipAge: 'BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS',
    maxLag: 'BITCOIN_MAINNET_ESPLORA_MAX_LAG_BLOCKS',
  },
  testnet: {
    maxTipAge: 'BITCOIN_TESTNET_ESPLORA_MAX_TIP_AGE_SECONDS',
    maxLag: 'BITCOIN_TESTNET_ESPLORA_MAX_LAG_BLOCKS',
  },
  signet: {
    maxTipAge: 'BITCOIN_SIGNET_ESPLORA_MAX_TIP_AGE_SECONDS',
    maxLag: 'BITCOIN_SIGNET_ESPLORA_MAX_LAG_BLOCKS',
  },
  regtest: {
    maxTipAge: 'BITCOIN_REGTEST_ESPLORA_MAX_TIP_AGE_SECONDS',
    maxLag: 'BITCOIN_REGTEST_ESPLORA_MAX_LAG_BLOCKS',
  },
} as const satisfies Record<BitcoinChainId, { maxTipAge: string; maxLag: string }>

const maxTipAgeSetting = (chain: BitcoinChainId) => ({
  type: 'number' as const,
  description:
    `Oldest tip of bitcoin ${chain} balances are read at: its block time against the clock, in seconds ` +
    '(0: no limit); a provider with an older tip is passed over for the next URL',
  default: DEFAULT_TIP_FRESHNESS[chain].maxHeadAgeSeconds,
  validate: validator.integer({ min: 0, max: 86_400 }),
})

const maxLagSetting = (chain: BitcoinChainId) => ({
  type: 'number' as const,
  description:
    `Blocks the tip read may be behind the highest tip among the bitcoin ${chain} URLs (each asked ` +
    'when there are several); a provider further behind is passed over for the next URL',
  default: DEFAULT_TIP_FRESHNESS[chain].maxLagBlocks,
  validate: validator.integer({ min: 0, max: 1_000_000 }),
})

/**
 * Chain `chainId`'s tip freshness limits as `settings` give them (the defaults without), and
 * the settings they come from.
 */
export function tipFreshness(chainId: BitcoinChainId, settings?: BitcoinSettings): HeadFreshness {
  const names = TIP_FRESHNESS_SETTING[chainId]
  const defaults = DEFAULT_TIP_FRESHNESS[chainId]
  return {
    maxHeadAgeSeconds: settings?.[names.maxTipAge] ?? defaults.maxHeadAgeSeconds,
    maxLagBlocks: settings?.[names.maxLag] ?? defaults.maxLagBlocks,
    maxHeadAgeSetting: names.maxTipAge,
    maxLagSetting: names.maxLag,
  }
}

const urlSetting = (chain: string) =>
  urlListSetting(
    `Esplora REST API base URL(s) for bitcoin ${chain}; a comma-separated list fails over in order`,
  )

/** How Esplora is read: timeouts, retries, concurrency, rate and the authentication header. */
export const ESPLORA = providerBlock('ESPLORA', {
  provider: 'Esplora',
  keySetting: 'ESPLORA_AUTH_HEADER_VALUE',
  headerSetting: 'ESPLORA_AUTH_HEADER_NAME',
  headerDefault: 'Authorization',
  concurrency: 16,
  concurrencyPerRequest: 8,
  // A page of 25 transactions with their inputs and outputs: a few hundred KiB, some MiB for the largest ones.
  maxBodyBytes: 16 * 1024 ** 2,
  // The transport holds one client per chain (src/transport/balance.ts).
  scope: 'per chain, across all requests',
})

/**
 * The settings of a bitcoin balance read, under the names every adapter reading one gives them
 * (the proof-of-reserves composite declares the same): each chain's Esplora URLs, the Esplora
 * block and the longest address list.
 */
export const BITCOIN_SETTINGS = {
  BITCOIN_MAINNET_ESPLORA_URL: urlSetting('mainnet'),
  BITCOIN_TESTNET_ESPLORA_URL: urlSetting('testnet'),
  BITCOIN_SIGNET_ESPLORA_URL: urlSetting('signet'),
  BITCOIN_REGTEST_ESPLORA_URL: urlSetting('regtest'),
  BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS: maxTipAgeSetting('mainnet'),
  BITCOIN_MAINNET_ESPLORA_MAX_LAG_BLOCKS: maxLagSetting('mainnet'),
  BITCOIN_TESTNET_ESPLORA_MAX_TIP_AGE_SECONDS: maxTipAgeSetting('testnet'),
  BITCOIN_TESTNET_ESPLORA_MAX_LAG_BLOCKS: maxLagSetting('testnet'),
  BITCOIN_SIGNET_ESPLORA_MAX_TIP_AGE_SECONDS: maxTipAgeSetting('signet'),
  BITCOIN_SIGNET_ESPLORA_MAX_LAG_BLOCKS: maxLagSetting('signet'),
  BITCOIN_REGTEST_ESPLORA_MAX_TIP_AGE_SECONDS: maxTipAgeSetting('regtest'),
  BITCOIN_REGTEST_ESPLORA_MAX_LAG_BLOCKS: maxLagSetting('regtest'),
  ...ESPLORA.definitions,
  MAX_ADDRESSES: {
    type: 'number',
    description: 'Most addresses accepted in one request',
    default: 10_000,
    validate: validator.integer({ min: 1, max: 100_000 }),
  },
} as const

/**
 * The framework defaults a bitcoin balance read changes. 10,000 taproot addresses with their
 * network and chainId fields are just over 1 MiB, and 10,000 of the longest (90 characters) under
 * 1.5 MiB. No more: the framework serialises and stores every request whole (its metrics, its
 * subscription set).
 */
export const BITCOIN_DEFAULT_OVERRIDES = { MAX_PAYLOAD_SIZE_LIMIT: 2 * 1024 * 1024 } as const

/** The adapter's settings; each adapter gets its own (the framework reads them into the instance). */
export const makeConfig = () =>
  new AdapterConfig(BITCOIN_SETTINGS, { envDefaultOverrides: BITCOIN_DEFAULT_OVERRIDES })

export type Settings = ReturnType<typeof makeConfig>['settings']

/** What a bitcoin balance read needs of the settings (those of {@link BITCOIN_SETTINGS}). */
export type BitcoinSettings = Pick<Settings, keyof typeof BITCOIN_SETTINGS>
