import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { ProviderClient, parseUrlList } from '#common/provider-client'
import { ESPLORA_URL_SETTING } from '../config'
import type { BalanceEndpointTypes, BalanceRequestParams } from '../endpoint/balance'
import { checkRequest } from './request'
import type { BitcoinChainId } from './address'
import { EsploraApi } from './esplora'
import { readReserves } from './reserves'

export class BalanceTransport extends ComputeTransport<BalanceEndpointTypes> {
  /** One client per chain, so the concurrency cap and rate limit hold across requests. */
  private readonly clients = new Map<BitcoinChainId, ProviderClient>()

  async compute(
    params: BalanceRequestParams,
    settings: BalanceEndpointTypes['Settings'],
  ): Promise<ComputedResponse<BalanceEndpointTypes>> {
    const request = checkRequest(params, settings)
    const api = new EsploraApi(this.client(request.chainId, settings))
    const reserves = await readReserves(api, request.addresses, request.minConfirmations)
    const total = reserves.total.toString()
    return {
      result: total,
      data: {
        result: total,
        decimals: 8,
        height: reserves.height,
        tipHeight: reserves.tip,
        minConfirmations: request.minConfirmations,
        chainId: request.chainId,
        addressCount: request.addresses.length,
        duplicates: request.duplicates,
        balances: reserves.balances.map((b) => ({ address: b.address, balance: b.balance.toString() })),
      },
    }
  }

  private client(chainId: BitcoinChainId, settings: BalanceEndpointTypes['Settings']): ProviderClient {
    let client = this.clients.get(chainId)
    if (!client) {
      const setting = ESPLORA_URL_SETTING[chainId]
      client = new ProviderClient({
        urls: parseUrlList(settings[setting]),
        headers: settings.ESPLORA_AUTH_HEADER_VALUE
          ? { [settings.ESPLORA_AUTH_HEADER_NAME]: settings.ESPLORA_AUTH_HEADER_VALUE }
          : undefined,
        timeoutMs: settings.ESPLORA_REQUEST_TIMEOUT_MS,
        retries: settings.ESPLORA_RETRIES,
        backoffMs: settings.ESPLORA_RETRY_BACKOFF_MS,
        concurrency: settings.ESPLORA_CONCURRENCY,
        requestsPerSecond: settings.ESPLORA_REQUESTS_PER_SECOND,
        label: setting,
      })
      this.clients.set(chainId, client)
    }
    return client
  }
}
