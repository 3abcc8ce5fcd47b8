/**
 * An auditor's real-time attestation API, The Network Firm style: `GET /<client>` answers that
 * client's attestation, dated at the time of the request.
 */
import { firstSegment, jsonReply, serveApi, type ApiServer } from './http-api'

/** One client's attestation; figures are decimal text, sent as JSON numbers digit for digit. */
export interface Attestation {
  accountName: string
  totalReserve: string
  totalToken: string
  ripcord?: boolean
  ripcordDetails?: string[]
}

/** The attestation's JSON text, dated `at`. */
export function attestationJson(attestation: Attestation, at: Date): string {
  const { accountName, totalReserve, totalToken, ripcord = false, ripcordDetails = [] } = attestation
  return (
    `{"accountName":${JSON.stringify(accountName)},"totalReserve":${totalReserve},"totalToken":${totalToken},` +
    `"timestamp":"${at.toISOString()}","ripcord":${ripcord},"ripcordDetails":${JSON.stringify(ripcordDetails)}}`
  )
}

/** Serves each client's attestation at `/<client>`, dated now. */
export function serveAttestationApi(clients: Record<string, Attestation>): Promise<ApiServer> {
  return serveApi((path) => {
    const name = firstSegment(path)
    const attestation = Object.hasOwn(clients, name) ? clients[name] : undefined
    return attestation ? jsonReply(attestationJson(attestation, new Date())) : undefined
  })
}
