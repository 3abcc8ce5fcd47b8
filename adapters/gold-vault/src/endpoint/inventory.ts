import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { canonicalInputs } from '#common/input'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import type { Settings } from '../config'
import { FORMAT_INPUTS, type SourceFormat } from '../provider/sources'
import { InventoryTransport } from '../transport/inventory'
import { MAX_DECIMALS, MAX_VAULTS, canonicalRequest } from './inventory-request'

export const inputParameters = new InputParameters(
  {
    vault: {
      type: 'string',
      required: true,
      description: `The vault, at most 128 letters, digits, ".", "_", "~" and "-": the request reads <GOLD_VAULT_API_URL>/<vault>. Several vaults separated by commas (at most ${MAX_VAULTS}, each once) are each read and added up`,
    },
    format: {
      type: 'string',
      options: [...FORMAT_INPUTS],
      default: 'auto',
      description:
        'json (bar list), csv (LBMA weight list), summary (grams_locked), or auto: by Content-Type, then by the body',
    },
    decimals: {
      type: 'number',
      default: 8,
      description: `Output decimals, 0–${MAX_DECIMALS}: result = fine troy ounces × 10^decimals, rounded down`,
    },
  },
  [{ vault: 'london', format: 'auto', decimals: 8 }],
)

export type InventoryRequestParams = typeof inputParameters.validated

/** One vault's part of the answer. */
export interface VaultTotal {
  vault: string
  /** The vault's name as the custodian gives it (JSON `vault`), if it does. */
  name: string | null
  format: SourceFormat
  /** Bars counted; null for a summary. */
  bars: number | null
  /** Fine troy ounces × 10^decimals, rounded down. */
  result: string
  fineTroyOunces: string
  asOf: string | null
}

export type InventoryEndpointTypes = {
  Parameters: typeof inputParameters.definition
  Response: {
    Result: string
    Data: {
      result: string
      decimals: number
      unit: 'toz'
      /** The total as plain decimal text, rounded down like `result`. */
      fineTroyOunces: string
      /** Bars counted across the vaults; null when a vault published only a summary. */
      bars: number | null
      /** The oldest date among the vaults' sources; null when none is dated. */
      asOf: string | null
      vaults: VaultTotal[]
    }
  }
  Settings: Settings
}

/**
 * A plain endpoint: the framework's PoR endpoint classes type the result as a JS number
 * (PoRProviderEndpoint) or take an address list (PoRTotalBalanceEndpoint).
 */
export const makeInventoryEndpoint = (): AdapterEndpoint<InventoryEndpointTypes> =>
  new AdapterEndpoint<InventoryEndpointTypes>({
    name: 'inventory',
    transport: new InventoryTransport(),
    inputParameters,
    ...canonicalInputs(canonicalRequest),
  })
