import { DetailedAdapterError } from '#common/errors'
import { parseProviderJson } from '#common/json'
import type { ProviderClient } from '#common/provider-client'
import { coherenceLimits, type AttestationSettings } from '../config'
import type { ReservesEndpointTypes, ReservesRequestParams } from '../endpoint/reserves'
import { checkRequest } from '../endpoint/reserves-request'
import {
  asAttestation,
  checkAge,
  checkCoherence,
  readAttestationTime,
  readFigure,
  readRipcord,
} from './attestation'
import { checkSignature } from './signature'

/** HTTP status of the response when the auditor has raised the ripcord. */
export const RIPCORD_STATUS = 503

/** An attested figure: the answer's data, and when the auditor attested it. */
export interface AttestedFigure {
  data: ReservesEndpointTypes['Response']['Data']
  /** The attestation time, in milliseconds since the epoch. */
  attestedAtMs: number
}

/**
 * Reads the attestation a request asks for through `client` (the adapter's one client for the
 * auditor's API, `ATTESTATION_API_URL`), for whatever adapter reads one (the attestation adapter's
 * transport, the proof-of-reserves composite): the signature over the bytes received, then the
 * ripcord, the age, the coherence of its figures, and the figure asked for.
 *
 * A raised ripcord is a {@link RIPCORD_STATUS} error that withdraws the last figure served too
 * (`replacesCachedResult`); `onRipcord` is called first, to withdraw the caller's other figures
 * of that client.
 */
export async function readAttestation(
  params: ReservesRequestParams,
  settings: AttestationSettings,
  client: ProviderClient,
  onRipcord?: () => void,
): Promise<AttestedFigure> {
  const { maxAgeSeconds } = checkRequest(params, settings)
  const subject = `client ${params.client}`
  const response = await client.get(encodeURIComponent(params.client), subject)

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
    onRipcord?.()
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
    attestedAtMs: time.ms,
  }
}
