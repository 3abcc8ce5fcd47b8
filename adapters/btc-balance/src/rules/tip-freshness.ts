/**
 * How fresh a bitcoin tip must be for balances to be read at it, by default, per chain (the
 * project's fresh-head rule, adapters/common/freshness.ts; each default is a setting).
 *
 * Age. Bitcoin aims at a block every 10 minutes, but blocks arrive as a Poisson process: the gap
 * to the next block is exponential, so a gap longer than t comes once in e^(t / 10 min) blocks.
 * An hour without a block happens every few days (e^−6: 1 block in 400); two hours about once in
 * three years on a steady chain (e^−12), and far more often when hashrate falls before the
 * difficulty adjusts (at half the hashrate, a 20-minute mean: e^−6 per block, weekly). A tip
 * 3 hours old (e^−18 per block on a steady chain; e^−9, every few months, at half the hashrate)
 * is a provider that has stopped following the chain, not a slow chain: by then the chain is
 * about 18 blocks further on. A false alarm is not harmless either: during a real gap every
 * provider shows the same old tip, so the adapter refuses to answer, and a feed that stops
 * updating can pause a healthy token. Testnet (where a block may be mined at the minimum
 * difficulty after 20 minutes without one) and the default signet (blocks signed about every
 * 10 minutes) do not have longer gaps as a rule: the same limit. Regtest mines on demand: a tip
 * of any age is current there.
 *
 * Lag. With several Esplora URLs, the one read must be at most 2 blocks behind the highest tip
 * among them: providers following the chain differ by a block for the seconds it takes to index
 * one, and two blocks within those seconds are rare. A lag check can only pass over a provider
 * that is behind another one which answered, so a tight tolerance costs a failover, never an
 * answer; with 2 URLs it catches a stuck provider within about 3 blocks (30 minutes), long
 * before the age limit does. Regtest mines in bursts (100 blocks at start-up), which providers
 * index at their own pace: 5.
 */
import type { FreshnessLimits } from '#common/freshness'
import type { BitcoinChainId } from './address'

/** The age limit of a tip on a chain that mines blocks every 10 minutes on average: 3 hours. */
export const MAX_TIP_AGE_SECONDS = 3 * 60 * 60

export const DEFAULT_TIP_FRESHNESS: Readonly<Record<BitcoinChainId, FreshnessLimits>> = {
  mainnet: { maxHeadAgeSeconds: MAX_TIP_AGE_SECONDS, maxLagBlocks: 2 },
  testnet: { maxHeadAgeSeconds: MAX_TIP_AGE_SECONDS, maxLagBlocks: 2 },
  signet: { maxHeadAgeSeconds: MAX_TIP_AGE_SECONDS, maxLagBlocks: 2 },
  regtest: { maxHeadAgeSeconds: 0, maxLagBlocks: 5 },
}
