import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { ProviderClient } from '#common/provider-client'
import { ESPLORA, ESPLORA_URL_SETTING, tipFreshness, type Settings } from '../config'
import type { BalanceEndpointTypes, BalanceRequestParams } from '../endpoint/balance'
import { checkRequest } from '../endpoint/balance-request'
import { EsploraApi } from '../provider/esplora'
import { readReserves } from '../provider/reserves'
import type { BitcoinChainId } from '../rules/address'

export class BalanceTransport extends ComputeTransport<BalanceEndpointTypes> {
  /** One client per chain, so the concurrency cap and rate limit hold across requests. */
  private readonly clients = new Map<BitcoinChainId, ProviderClient>()

  async compute(
    params: BalanceRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<BalanceEndpointTypes>> {
    const request = checkRequest(params, settings)
    const api = new EsploraApi(this.client(request.chainId, settings))
    const freshness = tipFreshness(request.chainId, settings)
    const reserves = await readReserves(api, request.addresses, request.minConfirmations, freshness)
    const total = reserves.total.toString()
    return {
      result: total,
      data: {
        result: total,
        decimals: 8,
        height: reserves.height,
        tipHeight: reserves.tip,
        tipHash: reserves.tipHash,
        tipTimestamp: reserves.tipTimestamp,
        minConfirmations: request.minConfirmations,
        chainId: request.chainId,
        addressCount: request.addresses.length,
        duplicates: request.duplicates,
        balances: reserves.balances.map((b) => ({ address: b.address, balance: b.balance.toString() })),
      },
      providerIndicatedTimeUnixMs: reserves.tipTimestamp * 1000,
    }
  }

  private client(chainId: BitcoinChainId, settings: Settings): ProviderClient {
    let client = this.clients.get(chainId)
    if (!client) {
      client = ESPLORA.client(settings, ESPLORA_URL_SETTING[chainId])
      this.clients.set(chainId, client)
    }
    return client
  }
}
