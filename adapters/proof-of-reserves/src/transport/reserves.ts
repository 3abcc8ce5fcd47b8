import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { Settings } from '../config'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { checkRequest } from '../endpoint/reserves-request'
import { ReserveReader } from '../provider/reserves'

export class ReservesTransport extends ComputeTransport<ReservesEndpointTypes> {
  /**
   * One reader for the adapter: its providers' clients, caps and fair shares hold across every
   * request. An auditor's ripcord withdraws every other reserve reading that client too, on its
   * next tick, not at its own refresh.
   */
  private readonly reader = new ReserveReader((client) =>
    this.recomputeServing((other) =>
      (other.balanceSources ?? []).some(
        (source) => source.provider === 'attestation' && source.client === client,
      ),
    ),
  )

  async compute(
    params: ReservesRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<ReservesEndpointTypes>> {
    const { figures, oldestMs } = await this.reader.read(checkRequest(params, settings), settings)
    return { result: figures.result, data: figures, providerIndicatedTimeUnixMs: oldestMs }
  }
}
