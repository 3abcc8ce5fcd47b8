import { DetailedAdapterError } from '#common/errors'
import { parseProviderJson } from '#common/json'
import type { ProviderClient } from '#common/provider-client'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import { ATTESTATION, coherenceLimits, type Settings } from '../config'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { checkRequest } from '../endpoint/reserves-request'
import {
  asAttestation,
  checkAge,
  checkCoherence,
  readAttestationTime,
  readFigure,
  readRipcord,
} from '../provider/attestation'
import { checkSignature } from '../provider/signature'

/** HTTP status of the response when the auditor has raised the ripcord. */
export const RIPCORD_STATUS = 503

export class ReservesTransport extends ComputeTransport<ReservesEndpointTypes> {
  /** One client for the adapter, so retries and failover are shared by every request. */
  private provider?: ProviderClient

  async compute(
    params: ReservesRequestParams,
    settings: Settings,
  ): Promise<ComputedResponse<ReservesEndpointTypes>> {
    const { maxAgeSeconds } = checkRequest(params, settings)
    const subject = `client ${params.client}`
    const response = await this.client(settings).get(encodeURIComponent(params.client), subject)

    // The signature covers the bytes as received: check it before anything is read from them.
    const signer = settings.ATTESTATION_SIGNER_ADDRESS
    const signedBy = signer
      ? checkSignature(
          response.bytes,
          response.headers.get(settings.ATTESTATION_SIGNATURE_HEADER),
          signer,
          settings.ATTESTATION_SIGNATURE_HEADER,
          subject,
        )
      : undefined

    const doc = asAttestation(parseProviderJson(response.text, subject, 'attestation API'), subject)

    const ripcord = readRipcord(doc, subject)
    if (ripcord.raised) {
      // Every other answer of this client withdraws too, on its next tick, not at its own refresh.
      this.recomputeServing((other) => other.client === params.client && other !== params)
      throw new DetailedAdapterError({
        statusCode: RIPCORD_STATUS,
        message: `${subject}: the auditor raised the ripcord (${ripcord.details.join('; ') || 'no details given'}): the figure must not be used`,
        details: { ripcord: true, ripcordDetails: ripcord.details },
        // The last good figure is withdrawn too: the node must not keep reporting it.
        replacesCachedResult: true,
      })
    }

    const time = readAttestationTime(doc, subject)
    checkAge(time, Date.now(), maxAgeSeconds, settings.ATTESTATION_FUTURE_SKEW_SECONDS, subject)
    checkCoherence(doc, coherenceLimits(settings), subject)
    const figure = readFigure(doc, params.field, params.chain, params.decimals, subject)
    const result = figure.units.toString()
    return {
      result,
      data: {
        result,
        decimals: params.decimals,
        ripcord: false,
        field: figure.source,
        figure: figure.text,
        ...(params.chain !== undefined ? { chain: params.chain } : {}),
        accountName: typeof doc.accountName === 'string' ? doc.accountName : null,
        attestedAt: time.text,
        ...(signedBy !== undefined ? { signedBy } : {}),
      },
      providerIndicatedTimeUnixMs: time.ms,
    }
  }

  private client(settings: Settings): ProviderClient {
    this.provider ??= ATTESTATION.client(settings, 'ATTESTATION_API_URL')
    return this.provider
  }
}
