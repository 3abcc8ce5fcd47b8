/**
 * What a bitcoin figure can be at all. No balance, and no sum of balances of distinct
 * addresses, can exceed the 21 million BTC the protocol will ever issue; a block height is an
 * integer that JSON carries exactly (at most 2^53 − 1, where the chain will not be for ages).
 */
import { providerError } from '#common/errors'

/** 21,000,000 BTC in satoshis (Bitcoin Core's MAX_MONEY). */
export const MAX_MONEY_SATS = 2_100_000_000_000_000n

/** `satoshis` if it is a balance that can exist; otherwise a 502 naming it and `whose`. */
export function plausibleBalance(satoshis: bigint, whose: string): bigint {
  if (satoshis < 0n) throw providerError(`${whose}: provider data gives a negative balance (${satoshis})`)
  if (satoshis > MAX_MONEY_SATS) {
    throw providerError(
      `${whose}: balance ${satoshis} satoshis is more than the 21,000,000 BTC that can exist (${MAX_MONEY_SATS} satoshis)`,
    )
  }
  return satoshis
}

/** `satoshis`, the total of `count` distinct addresses, if it can exist; otherwise a 502 naming it. */
export function plausibleTotal(satoshis: bigint, count: number): bigint {
  if (satoshis > MAX_MONEY_SATS) {
    throw providerError(
      `total ${satoshis} satoshis of ${count} distinct addresses is more than the 21,000,000 BTC that can exist (${MAX_MONEY_SATS} satoshis)`,
    )
  }
  return satoshis
}

/** `height` as a number if it is exact in JSON (at most 2^53 − 1); otherwise a 502 naming it. */
export function exactHeight(height: bigint, what: string): number {
  if (height > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw providerError(
      `${what} ${height} is above 2^53 − 1: not a height to trust, nor one JSON carries exactly`,
    )
  }
  return Number(height)
}
