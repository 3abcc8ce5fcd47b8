/** Transactions as the demo reports them, and reverts decoded. */
import type { TransactionReceipt } from 'ethers'

/** A transaction the demo reports: where it landed and what it cost. */
export interface Sent {
  hash: string
  block: number
  gasUsed: bigint
}

export const sent = (receipt: TransactionReceipt): Sent => ({
  hash: receipt.hash,
  block: receipt.blockNumber,
  gasUsed: receipt.gasUsed,
})

/** A revert decoded with the contract's ABI (its custom error and arguments). */
export interface Revert {
  name: string
  args: string[]
}

/** The custom error a call reverts with; an error if it does not revert, or reverts with something else. */
export async function revertOf(call: Promise<unknown>): Promise<Revert> {
  try {
    await call
  } catch (error) {
    const revert = (error as { revert?: { name: string; args: readonly unknown[] } }).revert
    if (revert) return { name: revert.name, args: revert.args.map((a) => String(a)) }
    throw error
  }
  throw new Error('the call did not revert')
}
