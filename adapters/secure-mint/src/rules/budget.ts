/**
 * Secure Mint's arithmetic, as Chainlink's secure-mint adapter applies it: the reserve against
 * the supply and the pre-mint, all integers at the token's decimals. No I/O.
 */

/** One supply chain's figures, integers at the token's decimals. */
export interface ChainFigures {
  supply: bigint
  preMint: bigint
  /** Its weight in the split of what may still be minted: a non-negative integer. */
  share: number
}

export interface Budgets {
  /** Pre-mint plus supply exceed the reserve: nothing may be minted anywhere. */
  overmint: boolean
  supply: bigint
  preMint: bigint
  /** reserve − supply − pre-mint, or 0 on an over-mint. */
  headroom: bigint
  /** Per chain, in the order given: its share of the headroom, rounded down. */
  mintables: bigint[]
}

/**
 * The budgets: over-mint when pre-mint + supply > reserve (then every budget is 0, as in
 * Chainlink's adapter); otherwise the headroom, reserve − supply − pre-mint, split across the
 * chains by their shares, each part rounded down. The budgets never add up to more than the
 * headroom, whatever the shares: minting every budget on every chain at once stays backed.
 */
export function budgets(reserve: bigint, chains: ChainFigures[]): Budgets {
  if (reserve < 0n) throw new RangeError(`a reserve is never negative, got ${reserve}`)
  const supply = chains.reduce((sum, chain) => sum + nonNegative(chain.supply, 'supply'), 0n)
  const preMint = chains.reduce((sum, chain) => sum + nonNegative(chain.preMint, 'preMint'), 0n)
  const shares = chains.map((chain) => {
    if (!Number.isSafeInteger(chain.share) || chain.share < 0) {
      throw new RangeError(`a share is a non-negative integer, got ${chain.share}`)
    }
    return BigInt(chain.share)
  })
  const totalShares = shares.reduce((sum, share) => sum + share, 0n)
  const overmint = preMint + supply > reserve
  const headroom = overmint ? 0n : reserve - supply - preMint
  const mintables = shares.map((share) => (totalShares === 0n ? 0n : (headroom * share) / totalShares))
  return { overmint, supply, preMint, headroom, mintables }
}

function nonNegative(value: bigint, what: string): bigint {
  if (value < 0n) throw new RangeError(`${what} is never negative, got ${value}`)
  return value
}
