import { providerError } from '#common/errors'
import type { HeadFreshness } from '#common/freshness'
import { ChainState } from './chain-state'
import type { EsploraApi } from './esplora'
import { readFreshTip } from './fresh-tip'
import { balanceAtHeight, balanceHeight, balanceWithMempool, type EsploraStats } from '../rules/height-rule'
import { plausibleBalance, plausibleTotal } from '../rules/supply'

/** How many times an address is re-read when a block lands while its history is being read. */
const MAX_READS_PER_ADDRESS = 3

export interface AddressBalance {
  address: string
  balance: bigint
}

export interface Reserves {
  tip: number
  /** The tip block's hash and timestamp (seconds since the epoch). */
  tipHash: string
  tipTimestamp: number
  /** Height the balances are taken at (the tip, mempool included, when minConfirmations = 0). */
  height: number
  balances: AddressBalance[]
  total: bigint
}

/**
 * Reads every address at one height H of one chain state ({@link ChainState}). The tip is read
 * once, from a provider whose tip is fresh by `freshness` ({@link readFreshTip}), so all
 * addresses are judged at the same H; any address that cannot be read fails the whole read
 * (never a partial sum).
 */
export async function readReserves(
  api: EsploraApi,
  addresses: string[],
  minConfirmations: number,
  freshness: HeadFreshness,
): Promise<Reserves> {
  const anchor = await readFreshTip(api, freshness)
  const tip = anchor.height
  const h = balanceHeight(tip, minConfirmations)
  if (h !== undefined && h < 0) {
    // A valid request the provider cannot answer (a node still syncing reports a short chain).
    throw providerError(
      `${api.setting} ${api.name(anchor.endpoint)} is at height ${tip}: ${tip + 1} blocks, ` +
        `fewer than minConfirmations ${minConfirmations}`,
    )
  }
  const state = new ChainState(api, anchor, h ?? tip)
  const balances = await Promise.all(
    addresses.map(async (address) => ({
      address,
      balance: await state.read(address, (source) => readAddress(source.api, address, source.tip, h)),
    })),
  )
  // Distinct addresses: together they cannot hold more than can exist either.
  const total = plausibleTotal(
    balances.reduce((sum, b) => sum + b.balance, 0n),
    balances.length,
  )
  return { tip, tipHash: anchor.hash, tipTimestamp: anchor.timestamp, height: h ?? tip, balances, total }
}

async function readAddress(
  api: EsploraApi,
  address: string,
  tip: number,
  h: number | undefined,
): Promise<bigint> {
  for (let read = 1; read <= MAX_READS_PER_ADDRESS; read++) {
    const stats = await api.addressStats(address)
    if (h === undefined) return plausibleBalance(balanceWithMempool(stats.chain, stats.mempool), address)
    if (stats.chain.tx_count === 0) return 0n
    const recent = await api.confirmedTxsAbove(address, h)
    // A transaction above the tip read at the start means a block landed during this request:
    // the totals and the history are consistent only if the totals did not move meanwhile.
    if (recent.some((tx) => tx.height > tip)) {
      const again = await api.addressStats(address)
      if (!sameStats(stats.chain, again.chain)) continue
    }
    return plausibleBalance(balanceAtHeight(stats.chain, recent, h), address)
  }
  throw providerError(
    `${address}: history kept changing while it was read (${MAX_READS_PER_ADDRESS} attempts)`,
  )
}

function sameStats(a: EsploraStats, b: EsploraStats): boolean {
  return (
    a.funded_txo_sum === b.funded_txo_sum && a.spent_txo_sum === b.spent_txo_sum && a.tx_count === b.tx_count
  )
}
