import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import type { BitcoinChainId } from '../transport/address'

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
  ({
    type: 'string',
    description: `Esplora REST API base URL(s) for bitcoin ${chain}; a comma-separated list fails over in order`,
    sensitive: true,
  }) as const

/** The adapter's settings; each adapter gets its own (the framework reads them into the instance). */
export const makeConfig = () =>
  new AdapterConfig(
    {
      BITCOIN_MAINNET_ESPLORA_URL: urlSetting('mainnet'),
      BITCOIN_TESTNET_ESPLORA_URL: urlSetting('testnet'),
      BITCOIN_SIGNET_ESPLORA_URL: urlSetting('signet'),
      BITCOIN_REGTEST_ESPLORA_URL: urlSetting('regtest'),
      ESPLORA_AUTH_HEADER_NAME: {
        type: 'string',
        description: 'Name of a header sent with every Esplora request (with ESPLORA_AUTH_HEADER_VALUE)',
        default: 'Authorization',
        sensitive: false,
      },
      ESPLORA_AUTH_HEADER_VALUE: {
        type: 'string',
        description: 'Value of the authentication header; unset sends no header',
        sensitive: true,
      },
      ESPLORA_CONCURRENCY: {
        type: 'number',
        description: 'Esplora requests in flight at once',
        default: 16,
        validate: validator.integer({ min: 1, max: 256 }),
      },
      ESPLORA_REQUESTS_PER_SECOND: {
        type: 'number',
        description: 'Esplora requests started per second, across the adapter; 0 means no limit',
        default: 0,
        validate: validator.integer({ min: 0, max: 100_000 }),
      },
      ESPLORA_REQUEST_TIMEOUT_MS: {
        type: 'number',
        description: 'Timeout of one Esplora request attempt, in milliseconds',
        default: 10_000,
        validate: validator.integer({ min: 100, max: 60_000 }),
      },
      ESPLORA_RETRIES: {
        type: 'number',
        description: 'Retries per URL on 429, 5xx, network errors and timeouts, before failing over',
        default: 2,
        validate: validator.integer({ min: 0, max: 10 }),
      },
      ESPLORA_RETRY_BACKOFF_MS: {
        type: 'number',
        description: 'First retry delay in milliseconds; it doubles on each retry',
        default: 500,
        validate: validator.integer({ min: 0, max: 60_000 }),
      },
      MAX_ADDRESSES: {
        type: 'number',
        description: 'Most addresses accepted in one request',
        default: 10_000,
        validate: validator.integer({ min: 1, max: 100_000 }),
      },
    },
    {
      envDefaultOverrides: {
        // 10,000 taproot addresses with their network and chainId fields are just over 1 MiB.
        MAX_PAYLOAD_SIZE_LIMIT: 10 * 1024 * 1024,
      },
    },
  )

/** The settings' shape, for types. */
export const config = makeConfig()
