import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { Settings } from '../config'
import type { AddressEndpointTypes, AddressRequestParams } from '../endpoint/address'
import { checkRequest } from '../endpoint/address-request'
import { readAddressList } from '../provider/address-list'

export class AddressListTransport extends ComputeTransport<AddressEndpointTypes> {
  async compute(
    params: AddressRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<AddressEndpointTypes>> {
    const request = checkRequest(params, {
      maxAddresses: settings.MAX_ADDRESSES,
      maxBatchSize: settings.MAX_BATCH_SIZE,
    })
    const list = await readAddressList(request, {
      timeoutMs: settings.RPC_TIMEOUT_MS,
      maxBodyBytes: settings.RPC_MAX_BODY_BYTES,
      maxAddresses: settings.MAX_ADDRESSES,
    })
    return {
      result: null,
      data: { result: list.addresses, blockNumber: list.blockNumber, blockTimestamp: list.blockTimestamp },
      providerIndicatedTimeUnixMs: list.blockTimestamp * 1000,
    }
  }
}
