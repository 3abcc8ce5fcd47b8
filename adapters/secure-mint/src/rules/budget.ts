/**
 * Secure Mint's arithmetic, as Chainlink's secure-mint adapter applies it: the reserve against
 * the supply and the pre-mint, all integers at the token's decimals. No I/O.
 */

/** One supply chain's figures, integers at the token's decimals. */
export interface ChainFigures {
  /** totalSupply() on the chain. */
  supply: bigint
  /** What its CCIP pool burned to be minted on another chain, and minted for burns on another (0 without a pool). */
  ccipBurned?: bigint
  ccipMinted?: bigint
  preMint: bigint
  /** Its weight in the split of what may still be minted: a non-negative integer. */
  share: number
}

export interface Budgets {
  /** Pre-mint plus supply exceed the reserve: nothing may be minted anywhere. */
  overmint: boolean
  /** Σ totalSupply() + Σ CCIP burned − Σ CCIP minted: a transfer in flight, burned and not yet minted, counts. */
  supply: bigint
  /** Σ totalSupply(). */
  totalSupply: bigint
  ccipBurned: bigint
  ccipMinted: bigint
  preMint: bigint
  /** reserve − supply − pre-mint, or 0 on an over-mint. */
  headroom: bigint
  /** Per chain, in the order given: its share of the headroom, rounded down. */
  mintables: bigint[]
}

/**
 * The supply Secure Mint counts, as Chainlink's adapter counts its indexer's figures: Σ over the chains of
 * totalSupply + CCIP burned − CCIP minted. A transfer burned on one chain and not yet minted on another is in
 * no chain's totalSupply, but in the first chain's burns: it counts until it lands, then it is in the second
 * chain's totalSupply and mints instead. Each chain's term is its net native mint, so the sum holds whatever
 * block each chain is read at. A chain's term may be negative (tokens that arrived by bridge burned natively);
 * the sum is not, unless mints are counted whose burns are not (a pool not listed): a RangeError.
 */
export function countedSupply(chains: Pick<ChainFigures, 'supply' | 'ccipBurned' | 'ccipMinted'>[]) {
  const totalSupply = chains.reduce((sum, chain) => sum + nonNegative(chain.supply, 'supply'), 0n)
  const ccipBurned = chains.reduce(
    (sum, chain) => sum + nonNegative(chain.ccipBurned ?? 0n, 'ccipBurned'),
    0n,
  )
  const ccipMinted = chains.reduce(
    (sum, chain) => sum + nonNegative(chain.ccipMinted ?? 0n, 'ccipMinted'),
    0n,
  )
  const supply = totalSupply + ccipBurned - ccipMinted
  if (supply < 0n) {
    throw new RangeError(
      `CCIP mints (${ccipMinted}) exceed the supply (${totalSupply}) plus the CCIP burns (${ccipBurned})`,
    )
  }
  return { supply, totalSupply, ccipBurned, ccipMinted }
}

/**
 * The budgets: over-mint when pre-mint + supply (counted: {@link countedSupply}) > reserve (then every budget is 0, as in
 * Chainlink's adapter); otherwise the headroom, reserve − supply − pre-mint, split across the
 * chains by their shares, each part rounded down. The budgets never add up to more than the
 * headroom, whatever the shares: minting every budget on every chain at once stays backed.
 */
export function budgets(reserve: bigint, chains: ChainFigures[]): Budgets {
  if (reserve < 0n) throw new RangeError(`a reserve is never negative, got ${reserve}`)
  const { supply, totalSupply, ccipBurned, ccipMinted } = countedSupply(chains)
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
  return { overmint, supply, totalSupply, ccipBurned, ccipMinted, preMint, headroom, mintables }
}

function nonNegative(value: bigint, what: string): bigint {
  if (value < 0n) throw new RangeError(`${what} is never negative, got ${value}`)
  return value
}
