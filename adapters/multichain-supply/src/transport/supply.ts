import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { Settings } from '../config'
import type { SupplyEndpointTypes, SupplyRequestParams } from '../endpoint/supply'
import { checkRequest } from '../endpoint/supply-request'
import { readSupply } from '../provider/supply'

export class SupplyTransport extends ComputeTransport<SupplyEndpointTypes> {
  async compute(
    params: SupplyRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<SupplyEndpointTypes>> {
    const request = checkRequest(params, settings.MAX_EXCLUDED)
    const figures = await readSupply(request, {
      timeoutMs: settings.RPC_TIMEOUT_MS,
      maxBodyBytes: settings.RPC_MAX_BODY_BYTES,
    })
    // The figure is as old as the oldest block it was read at.
    const oldest = Math.min(...figures.chains.map((chain) => chain.blockTimestamp))
    return { result: figures.result, data: figures, providerIndicatedTimeUnixMs: oldest * 1000 }
  }
}
