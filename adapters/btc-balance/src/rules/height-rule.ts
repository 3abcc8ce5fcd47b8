/**
 * The balance rule: an address's reserve is its balance as of height H = tip − minConfirmations + 1,
 * i.e. every output to it confirmed at or below H, minus every output of it spent by a transaction
 * confirmed at or below H. minConfirmations = 0 means the current balance, mempool included.
 *
 * Esplora gives the confirmed totals at the tip (`chain_stats`) and the confirmed history newest
 * first; the balance at H is the tip balance with the effect of every transaction confirmed above
 * H taken back out. Outputs spent in the mempool are not in `chain_stats`, so they still count.
 */

/** Esplora's `chain_stats` / `mempool_stats`, amounts in satoshis. */
export interface EsploraStats {
  funded_txo_sum: bigint
  spent_txo_sum: bigint
  tx_count: number
}

/** What one confirmed transaction did to the address: satoshis in and out, and its height. */
export interface TxEffect {
  txid: string
  height: number
  received: bigint
  sent: bigint
}

/** The height at which balances are taken, or undefined for minConfirmations = 0 (tip + mempool). */
export function balanceHeight(tip: number, minConfirmations: number): number | undefined {
  if (minConfirmations === 0) return undefined
  return tip - minConfirmations + 1
}

/** Confirmations a transaction mined at `height` has when the tip is `tip`. */
export function confirmations(tip: number, height: number): number {
  return tip - height + 1
}

/** Current balance including the mempool (minConfirmations = 0). */
export function balanceWithMempool(chain: EsploraStats, mempool: EsploraStats): bigint {
  return chain.funded_txo_sum - chain.spent_txo_sum + mempool.funded_txo_sum - mempool.spent_txo_sum
}

/**
 * Balance as of height `h`: the confirmed tip balance minus the net effect of every transaction
 * confirmed above `h`. `recent` must hold every confirmed transaction above `h` (more is fine).
 */
export function balanceAtHeight(chain: EsploraStats, recent: TxEffect[], h: number): bigint {
  let balance = chain.funded_txo_sum - chain.spent_txo_sum
  for (const tx of recent) {
    if (tx.height > h) balance -= tx.received - tx.sent
  }
  return balance
}
