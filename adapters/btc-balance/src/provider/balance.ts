import type { ProviderClient } from '#common/provider-client'
import { ESPLORA, ESPLORA_URL_SETTING, tipFreshness, type BitcoinSettings } from '../config'
import type { BalanceEndpointTypes } from '../endpoint/balance'
import type { CheckedRequest } from '../endpoint/balance-request'
import type { BitcoinChainId } from '../rules/address'
import { EsploraApi } from './esplora'
import { readReserves } from './reserves'

/** What a balance read answers: the total in satoshis and each address's balance, at one height. */
export type BalanceFigures = BalanceEndpointTypes['Response']['Data']

/**
 * Bitcoin balances read through Esplora, for whatever adapter reads them (btc-balance's
 * transport, the proof-of-reserves composite): it holds one Esplora client per chain, so the
 * concurrency cap, each request's share of it and the rate limit hold across all its requests.
 * Keep one for the life of an adapter.
 */
export class BitcoinBalances {
  private readonly clients = new Map<BitcoinChainId, ProviderClient>()

  /** Reads a checked request (endpoint/balance-request.ts) at one height of one chain state, from a fresh tip. */
  async read(request: CheckedRequest, settings: BitcoinSettings): Promise<BalanceFigures> {
    const api = new EsploraApi(this.client(request.chainId, settings))
    const freshness = tipFreshness(request.chainId, settings)
    const reserves = await readReserves(api, request.addresses, request.minConfirmations, freshness)
    const total = reserves.total.toString()
    return {
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
    }
  }

  private client(chainId: BitcoinChainId, settings: BitcoinSettings): ProviderClient {
    let client = this.clients.get(chainId)
    if (!client) {
      client = ESPLORA.client(settings, ESPLORA_URL_SETTING[chainId])
      this.clients.set(chainId, client)
    }
    return client
  }
}
