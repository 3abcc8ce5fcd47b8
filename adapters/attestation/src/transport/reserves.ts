import type { ProviderClient } from '#common/provider-client'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { ATTESTATION, type Settings } from '../config'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { readAttestation } from '../provider/reserves'

export class ReservesTransport extends ComputeTransport<ReservesEndpointTypes> {
  /** One client for the adapter, so retries and failover are shared by every request. */
  private provider?: ProviderClient

  async compute(
    params: ReservesRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<ReservesEndpointTypes>> {
    // A ripcord withdraws every other answer of this client too, on its next tick, not at its own refresh.
    const { data, attestedAtMs } = await readAttestation(params, settings, this.client(settings), () =>
      this.recomputeServing((other) => other.client === params.client && other !== params),
    )
    return { result: data.result, data, providerIndicatedTimeUnixMs: attestedAtMs }
  }

  private client(settings: Settings): ProviderClient {
    this.provider ??= ATTESTATION.client(settings, 'ATTESTATION_API_URL')
    return this.provider
  }
}
