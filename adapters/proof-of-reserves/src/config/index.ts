import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { maxBodyBytesSetting } from '#common/settings'
import { ATTESTATION_SETTINGS, attestationUrlSetting } from '#adapters/attestation/src/config/index'
import { BITCOIN_DEFAULT_OVERRIDES, BITCOIN_SETTINGS } from '#adapters/btc-balance/src/config/index'
import { GOLD_VAULT_SETTINGS, vaultUrlSetting } from '#adapters/gold-vault/src/config/index'
import { ADDRESS_LIST_SETTINGS } from '#adapters/por-address-list/src/config/index'
import { TOKEN_BALANCE_SETTINGS } from '#adapters/token-balance/src/config/index'

/** The most components (and address lists, balance sources, conversions) one request may have. */
export const MAX_COMPONENTS_LIMIT = 50

/**
 * The composite's settings: those of every source it reads, under the same names as in each
 * standalone adapter (an operator's settings for btc-balance, por-address-list, token-balance,
 * attestation and gold-vault work here as they are), every provider optional, and its own.
 * The RPC settings are per network, looked up when a request names one: `<NETWORK>_RPC_URL`,
 * `<NETWORK>_RPC_CHAIN_ID` (adapters/common/evm-rpc.ts).
 */
export const PROOF_OF_RESERVES_SETTINGS = {
  ...BITCOIN_SETTINGS,
  ...ADDRESS_LIST_SETTINGS,
  ...TOKEN_BALANCE_SETTINGS,
  // A list of 10,000 addresses read whole is some MiB of JSON-RPC answer (por-address-list's cap).
  RPC_MAX_BODY_BYTES: maxBodyBytesSetting('JSON-RPC', 16 * 1024 ** 2),
  MAX_ADDRESSES: {
    type: 'number',
    description:
      'Longest address list accepted: a PoRAddressList read whole, or a fixed list; a longer one is an error, never a truncated list',
    default: 10_000,
    validate: validator.integer({ min: 1, max: 100_000 }),
  },
  ATTESTATION_API_URL: attestationUrlSetting(false),
  ...ATTESTATION_SETTINGS,
  GOLD_VAULT_API_URL: vaultUrlSetting(false),
  ...GOLD_VAULT_SETTINGS,
  FEED_MAX_AGE_SECONDS: {
    type: 'number',
    description:
      "Oldest conversion feed answer accepted, in seconds before the block it is read at; a conversion may ask for less (maxAgeSeconds), never more. Set it to the feeds' heartbeat and a margin",
    default: 86_400,
    validate: validator.integer({ min: 1, max: 7 * 86_400 }),
  },
  MAX_COMPONENTS: {
    type: 'number',
    description:
      'Most components in one request; its address lists, balance sources and conversions each as many',
    default: 20,
    validate: validator.integer({ min: 1, max: MAX_COMPONENTS_LIMIT }),
  },
} as const

export function makeConfig() {
  return new AdapterConfig(PROOF_OF_RESERVES_SETTINGS, { envDefaultOverrides: BITCOIN_DEFAULT_OVERRIDES })
}

export type Settings = ReturnType<typeof makeConfig>['settings']

/** What a reserve read needs of the settings (those of {@link PROOF_OF_RESERVES_SETTINGS}). */
export type ReserveSettings = Pick<Settings, keyof typeof PROOF_OF_RESERVES_SETTINGS>
