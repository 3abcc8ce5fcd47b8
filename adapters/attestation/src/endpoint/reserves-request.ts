import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'
import type { AttestationSettings } from '../config'
import type { ReservesRequestParams } from './reserves'

/** Most output decimals accepted. */
export const MAX_DECIMALS = 36

/** The auditor's name for an account: one URL path segment. */
const CLIENT = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/
/** A chain label, as in the parentheses of `"TUSD (ETH)"`. */
const CHAIN_LABEL = /^[^()]{1,64}$/

/**
 * The request in canonical form: `chain` (matched case-insensitively) trimmed and in upper
 * case; `client` as sent, since it is a URL path at the auditor, where case matters.
 */
export function canonicalRequest(
  params: ReservesRequestParams,
  settings: AttestationSettings,
): ReservesRequestParams {
  checkRequest(params, settings)
  const { client, field, chain, decimals, maxAgeSeconds } = params
  return {
    client,
    field,
    ...(chain !== undefined ? { chain: chain.trim().toUpperCase() } : {}),
    decimals,
    ...(maxAgeSeconds !== undefined ? { maxAgeSeconds } : {}),
  }
}

/** A validated request, with the max age it asks for (never above the setting). */
export interface CheckedRequest {
  maxAgeSeconds: number
}

/**
 * Everything about a request that can be judged without the auditor's API. Throws a 400
 * naming the field.
 */
export function checkRequest(params: ReservesRequestParams, settings: AttestationSettings): CheckedRequest {
  const { client, chain, decimals, maxAgeSeconds } = params
  if (typeof client !== 'string' || !CLIENT.test(client)) {
    throw inputError(
      `client must be the auditor's client name (letters, digits, ".", "_", "~", "-", at most 128; it becomes the URL path), got ${quoteInput(client)}`,
    )
  }
  if (chain !== undefined && (typeof chain !== 'string' || !CHAIN_LABEL.test(chain.trim()))) {
    throw inputError(
      `chain must be a chain label as written in the parentheses of a tokenName (e.g. "ETH"; at most 64 characters, no parentheses), got ${quoteInput(chain)}`,
    )
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw inputError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${quoteInput(decimals)}`)
  }
  const ceiling = settings.ATTESTATION_MAX_AGE_SECONDS
  if (maxAgeSeconds === undefined) return { maxAgeSeconds: ceiling }
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds < 1) {
    throw inputError(`maxAgeSeconds must be a whole number of seconds ≥ 1, got ${quoteInput(maxAgeSeconds)}`)
  }
  if (maxAgeSeconds > ceiling) {
    throw inputError(
      `maxAgeSeconds ${maxAgeSeconds} is above ATTESTATION_MAX_AGE_SECONDS (${ceiling}): a request may tighten the max age, never loosen it`,
    )
  }
  return { maxAgeSeconds }
}
