import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { Settings } from '../config'
import type { EvmEndpointTypes, EvmRequestParams } from '../endpoint/evm'
import { checkRequest } from '../endpoint/evm-request'
import { readBalances } from '../provider/balances'

export class EvmBalanceTransport extends ComputeTransport<EvmEndpointTypes> {
  async compute(params: EvmRequestParams, settings: Settings): Promise<ComputedResponse<EvmEndpointTypes>> {
    const request = checkRequest(params, settings.MAX_WALLETS)
    const figures = await readBalances(request, {
      timeoutMs: settings.RPC_TIMEOUT_MS,
      maxBodyBytes: settings.RPC_MAX_BODY_BYTES,
    })
    // The figure is as old as the oldest block it was read at.
    const oldest = Math.min(...figures.chains.map((chain) => chain.blockTimestamp))
    return { result: figures.result, data: figures, providerIndicatedTimeUnixMs: oldest * 1000 }
  }
}
