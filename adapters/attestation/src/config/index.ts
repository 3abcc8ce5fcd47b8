import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { isAddress } from 'ethers'
import { parseDecimal } from '#common/decimal'
import { providerBlock, urlListSetting } from '#common/provider-settings'
import { decimalSetting } from '#common/settings'
import type { CoherenceLimits } from '../provider/attestation'

/** How the auditor's API is read: timeouts, retries, concurrency, rate and the API key. */
export const ATTESTATION = providerBlock('ATTESTATION', {
  provider: 'attestation API',
  keySetting: 'ATTESTATION_API_KEY',
  headerSetting: 'ATTESTATION_API_KEY_HEADER',
  headerDefault: 'x-api-key',
  concurrency: 4,
  concurrencyPerRequest: 2,
  // An attestation is a few kilobytes; 1 MiB leaves room for a long token list.
  maxBodyBytes: 1024 ** 2,
})

/**
 * The settings of an attestation read beside the API's URL, under the names every adapter reading
 * one gives them (the proof-of-reserves composite declares the same).
 */
export const ATTESTATION_SETTINGS = {
  ...ATTESTATION.definitions,
  ATTESTATION_MAX_AGE_SECONDS: {
    type: 'number',
    description:
      'Oldest attestation accepted, in seconds; a request may ask for less (maxAgeSeconds), never more',
    default: 86_400,
    validate: validator.integer({ min: 1, max: 366 * 86_400 }),
  },
  ATTESTATION_FUTURE_SKEW_SECONDS: {
    type: 'number',
    description: 'How far in the future an attestation may be dated (clock skew) before it is rejected',
    default: 300,
    validate: validator.integer({ min: 0, max: 3_600 }),
  },
  ATTESTATION_MAX_FIGURE: decimalSetting(
    'Largest figure accepted (each of totalReserve, totalTrust, totalToken and the per-chain figures), in the attestation’s own unit; a larger one cannot be true and is refused (502). The default, 10^18, is more than all the money of any currency: set it near the issuer’s scale',
    '1000000000000000000',
    { positive: true },
  ),
  ATTESTATION_TOTAL_TOLERANCE: decimalSetting(
    'How far apart, in the attestation’s own unit, two figures the auditor gives for one quantity may be: totalReserve and totalTrust, a total and the sum of its per-chain figures. 0: exact',
    '0',
  ),
  ATTESTATION_SIGNER_ADDRESS: {
    type: 'string',
    description:
      'When set, every response must carry an EIP-191 personal_sign signature by this address over the exact body bytes',
    sensitive: false,
    validate: {
      meta: { details: 'an Ethereum address (0x followed by 40 hex digits)' },
      fn: (value?: string) =>
        value === undefined || isAddress(value) ? undefined : `${value} is not an Ethereum address`,
    },
  },
  ATTESTATION_SIGNATURE_HEADER: {
    type: 'string',
    description: 'Response header holding the signature checked against ATTESTATION_SIGNER_ADDRESS',
    default: 'x-attestation-signature',
    sensitive: false,
  },
} as const

const API_URL_DESCRIPTION =
  'Auditor attestation API base URL(s); a request reads `<url>/<client>`. A comma-separated list fails over in order'

/** `ATTESTATION_API_URL`: required by this adapter, optional where attestations are one source of several. */
export const attestationUrlSetting = <R extends boolean>(required: R) =>
  urlListSetting(API_URL_DESCRIPTION, required)

/**
 * The adapter's settings. The framework reads the environment when an adapter is constructed,
 * so each adapter gets its own config (tests set the environment, then build an adapter).
 */
export const makeConfig = () =>
  new AdapterConfig({ ATTESTATION_API_URL: attestationUrlSetting(true), ...ATTESTATION_SETTINGS })

export type Settings = ReturnType<typeof makeConfig>['settings']

/** What an attestation read needs of the settings (those of {@link ATTESTATION_SETTINGS}). */
export type AttestationSettings = Pick<Settings, keyof typeof ATTESTATION_SETTINGS>

/** The coherence limits from the settings (checked when the adapter starts). */
export function coherenceLimits(settings: AttestationSettings): CoherenceLimits {
  return {
    maxFigure: parseDecimal(settings.ATTESTATION_MAX_FIGURE, 'ATTESTATION_MAX_FIGURE'),
    tolerance: parseDecimal(settings.ATTESTATION_TOTAL_TOLERANCE, 'ATTESTATION_TOTAL_TOLERANCE'),
  }
}
