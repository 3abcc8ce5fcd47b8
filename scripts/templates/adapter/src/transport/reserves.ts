import { providerError } from '#common/errors'
import type { ProviderClient } from '#common/provider-client'
import { ageProblem } from '#common/time'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { RESERVES_API, type Settings } from '../config'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { checkRequest } from '../endpoint/reserves-request'
import { readReservesReport } from '../provider/reserves-api'
import { reserveUnits } from '../rules/reserves'

export class ReservesTransport extends ComputeTransport<ReservesEndpointTypes> {
  /** One client for the adapter, so the concurrency cap and rate limit hold across requests. */
  private provider?: ProviderClient

  async compute(
    params: ReservesRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<ReservesEndpointTypes>> {
    const { account, decimals } = checkRequest(params)
    const subject = `account ${account}`
    const response = await this.client(settings).get(encodeURIComponent(account), subject)
    const report = readReservesReport(response.text, subject)
    const problem = ageProblem(
      report.asOf.ms,
      Date.now(),
      settings.ADAPTER_TEMPLATE_MAX_AGE_SECONDS,
      settings.ADAPTER_TEMPLATE_FUTURE_SKEW_SECONDS,
    )
    if (problem) throw providerError(`${subject}: the figure (asOf ${report.asOf.text}) ${problem}`)
    const result = reserveUnits(report.reserves.value, decimals, subject).toString()
    return {
      result,
      data: { result, decimals, reserves: report.reserves.text, asOf: report.asOf.text },
      providerIndicatedTimeUnixMs: report.asOf.ms,
    }
  }

  private client(settings: Settings): ProviderClient {
    this.provider ??= RESERVES_API.client(settings, 'ADAPTER_TEMPLATE_API_URL')
    return this.provider
  }
}
