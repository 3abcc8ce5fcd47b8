import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { ReserveReader } from '#adapters/proof-of-reserves/src/provider/reserves'
import type { Settings } from '../config'
import type { MintableEndpointTypes, MintableRequestParams } from '../endpoint/mintable'
import { checkRequest } from '../endpoint/mintable-request'
import { readBudgets } from '../provider/budgets'

export class MintableTransport extends ComputeTransport<MintableEndpointTypes> {
  /**
   * One reserve reader for the adapter, as in the composite: its providers' clients, caps and
   * fair shares hold across every request, and an auditor's ripcord withdraws every budget
   * resting on that client's attestation on its next tick.
   */
  private readonly reader = new ReserveReader((client) =>
    this.recomputeServing((other) =>
      (other.balanceSources ?? []).some(
        (source) => source.provider === 'attestation' && source.client === client,
      ),
    ),
  )

  async compute(
    params: MintableRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<MintableEndpointTypes>> {
    const { figures, oldestMs } = await readBudgets(checkRequest(params, settings), settings, this.reader)
    return { result: figures.result, data: figures, providerIndicatedTimeUnixMs: oldestMs }
  }
}
