import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { Settings } from '../config'
import type { BalanceEndpointTypes, BalanceRequestParams } from '../endpoint/balance'
import { checkRequest } from '../endpoint/balance-request'
import { BitcoinBalances } from '../provider/balance'

export class BalanceTransport extends ComputeTransport<BalanceEndpointTypes> {
  private readonly balances = new BitcoinBalances()

  async compute(
    params: BalanceRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<BalanceEndpointTypes>> {
    const figures = await this.balances.read(checkRequest(params, settings), settings)
    return { result: figures.result, data: figures, providerIndicatedTimeUnixMs: figures.tipTimestamp * 1000 }
  }
}
