import { inputError } from '#common/errors'
import { quoteInput } from '#common/input'
import type { ReservesRequestParams } from './reserves'

/** Most output decimals accepted. */
export const MAX_DECIMALS = 36

/** An account name: it becomes one URL path segment. */
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9._~-]{0,127}$/

/**
 * Everything about a request that can be judged without the provider. Throws a 400 naming the
 * field. Returns the request in canonical form (`canonicalInputs` in #common/input makes it the
 * inputs the request is computed, cached and echoed with): here as sent, since the account is a
 * URL path, where case matters; normalise what the provider reads case-insensitively. Run by
 * the endpoint's customInputValidation and again by the transport.
 */
export function checkRequest(params: ReservesRequestParams): ReservesRequestParams {
  const { account, decimals } = params
  if (typeof account !== 'string' || !ACCOUNT.test(account)) {
    throw inputError(
      `account must be an account name (letters, digits, ".", "_", "~", "-", at most 128; it becomes the URL path), got ${quoteInput(account)}`,
    )
  }
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > MAX_DECIMALS) {
    throw inputError(`decimals must be an integer from 0 to ${MAX_DECIMALS}, got ${quoteInput(decimals)}`)
  }
  return { account, decimals }
}
