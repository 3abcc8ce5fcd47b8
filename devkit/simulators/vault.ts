/**
 * A vault custodian's API (PAXG style): `GET /<vault>` answers the vault's bar list as JSON,
 * dated at the time of the request.
 */
import { firstSegment, jsonReply, serveApi, type ApiServer } from './http-api'

/** One bar; weights in the list's unit and fineness in parts per thousand, as decimal text. */
export interface VaultBar {
  serial: string
  refiner: string
  grossWeight: string
  fineness: string
  fineWeight: string
}

export interface Vault {
  name: string
  unit: 'toz' | 'g' | 'kg'
  bars: VaultBar[]
}

/**
 * A London vault of two Good Delivery bars: LBMA's sample bar (401.125 oz gross at 995.8: 399.440
 * fine) and a 999.9 bar (399.960 fine), 799.400 troy ounces fine in all.
 */
export const LONDON_VAULT: Vault = {
  name: 'London',
  unit: 'toz',
  bars: [
    {
      serial: 'AB12345',
      refiner: 'Valcambi SA',
      grossWeight: '401.125',
      fineness: '995.8',
      fineWeight: '399.440',
    },
    {
      serial: 'K54321',
      refiner: 'PAMP SA',
      grossWeight: '400.000',
      fineness: '999.9',
      fineWeight: '399.960',
    },
  ],
}

/** The bar list's JSON text, dated `asOf`; numbers sent as JSON numbers, digit for digit. */
export function barListJson(vault: Vault, asOf: Date): string {
  const bars = vault.bars.map(
    (bar) =>
      `{"serial":${JSON.stringify(bar.serial)},"refiner":${JSON.stringify(bar.refiner)},` +
      `"grossWeight":${bar.grossWeight},"fineness":${bar.fineness},"fineWeight":${bar.fineWeight}}`,
  )
  return `{"vault":${JSON.stringify(vault.name)},"asOf":"${asOf.toISOString()}","unit":"${vault.unit}","bars":[${bars.join(',')}]}`
}

/** Serves each vault's bar list at `/<vault>`, dated now. */
export function serveVaultApi(vaults: Record<string, Vault>): Promise<ApiServer> {
  return serveApi((path) => {
    const name = firstSegment(path)
    const vault = Object.hasOwn(vaults, name) ? vaults[name] : undefined
    return vault ? jsonReply(barListJson(vault, new Date())) : undefined
  })
}
