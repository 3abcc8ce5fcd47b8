import { DetailedAdapterError, providerError } from '#common/errors'
import { parseLosslessJson, type LosslessJson } from '#common/json'
import { ProviderClient, parseUrlList } from '#common/provider-client'
import { ComputeTransport, type ComputedResponse } from '#common/transport'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { asAttestation, checkAge, readAttestationTime, readFigure, readRipcord } from './attestation'
import { checkRequest } from './request'
import { checkSignature } from './signature'

/** HTTP status of the response when the auditor has raised the ripcord. */
export const RIPCORD_STATUS = 503

export class ReservesTransport extends ComputeTransport<ReservesEndpointTypes> {
  /** One client for the adapter, so retries and failover are shared by every request. */
  private provider?: ProviderClient

  async compute(
    params: ReservesRequestParams,
    settings: ReservesEndpointTypes['Settings'],
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

    let body: LosslessJson
    try {
      body = parseLosslessJson(response.text)
    } catch {
      throw providerError(
        `${subject}: the attestation API answered something that is not JSON: ${response.text.slice(0, 80)}`,
      )
    }
    const doc = asAttestation(body, subject)

    const ripcord = readRipcord(doc, subject)
    if (ripcord.raised) {
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

  private client(settings: ReservesEndpointTypes['Settings']): ProviderClient {
    this.provider ??= new ProviderClient({
      urls: parseUrlList(settings.ATTESTATION_API_URL),
      headers: settings.ATTESTATION_API_KEY
        ? { [settings.ATTESTATION_API_KEY_HEADER]: settings.ATTESTATION_API_KEY }
        : undefined,
      timeoutMs: settings.ATTESTATION_REQUEST_TIMEOUT_MS,
      retries: settings.ATTESTATION_RETRIES,
      backoffMs: settings.ATTESTATION_RETRY_BACKOFF_MS,
      concurrency: 4,
      requestsPerSecond: 0,
      label: 'ATTESTATION_API_URL',
    })
    return this.provider
  }
}
