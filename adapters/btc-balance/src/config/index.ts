import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { providerBlock, urlListSetting } from '#common/provider-settings'
import type { BitcoinChainId } from '../rules/address'

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

/** The adapter's settings; each adapter gets its own (the framework reads them into the instance). */
export const makeConfig = () =>
  new AdapterConfig(
    {
      BITCOIN_MAINNET_ESPLORA_URL: urlSetting('mainnet'),
      BITCOIN_TESTNET_ESPLORA_URL: urlSetting('testnet'),
      BITCOIN_SIGNET_ESPLORA_URL: urlSetting('signet'),
      BITCOIN_REGTEST_ESPLORA_URL: urlSetting('regtest'),
      ...ESPLORA.definitions,
      MAX_ADDRESSES: {
        type: 'number',
        description: 'Most addresses accepted in one request',
        default: 10_000,
        validate: validator.integer({ min: 1, max: 100_000 }),
      },
    },
    {
      envDefaultOverrides: {
        // 10,000 taproot addresses with their network and chainId fields are just over 1 MiB, and
        // 10,000 of the longest (90 characters) under 1.5 MiB. No more: the framework serialises
        // and stores every request whole (its metrics, its subscription set).
        MAX_PAYLOAD_SIZE_LIMIT: 2 * 1024 * 1024,
      },
    },
  )

export type Settings = ReturnType<typeof makeConfig>['settings']
