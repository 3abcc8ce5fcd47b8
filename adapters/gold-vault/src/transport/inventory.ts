import type { ProviderClient } from '#common/provider-client'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { GOLD_VAULT, type Settings } from '../config'
import type { InventoryEndpointTypes, InventoryRequestParams } from '../endpoint/inventory'
import { readInventory } from '../provider/inventory'

export class InventoryTransport extends ComputeTransport<InventoryEndpointTypes> {
  /** One client for the adapter, so retries and failover are shared by every request. */
  private provider?: ProviderClient

  async compute(
    params: InventoryRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<InventoryEndpointTypes>> {
    const { data, asOfMs } = await readInventory(params, settings, this.client(settings))
    return { result: data.result, data, providerIndicatedTimeUnixMs: asOfMs }
  }

  private client(settings: Settings): ProviderClient {
    this.provider ??= GOLD_VAULT.client(settings, 'GOLD_VAULT_API_URL')
    return this.provider
  }
}
