import fc from 'fast-check'
import { budgets, countedSupply } from '../../src/rules/budget'

const chain = (supply: bigint, preMint = 0n, share = 1) => ({ supply, preMint, share })

describe('budgets', () => {
  it('leaves reserve − supply − pre-mint to mint, split by share, each part rounded down', () => {
    // 1,000 − (300 + 200) − (50 + 0) = 450, split 2:1 → 300 and 150.
    expect(budgets(1_000n, [chain(300n, 50n, 2), chain(200n, 0n, 1)])).toEqual({
      overmint: false,
      supply: 500n,
      totalSupply: 500n,
      ccipBurned: 0n,
      ccipMinted: 0n,
      preMint: 50n,
      headroom: 450n,
      mintables: [300n, 150n],
    })
    // 10 split three ways: 3 each, 1 left unassigned rather than over-assigned.
    expect(budgets(10n, [chain(0n), chain(0n), chain(0n)]).mintables).toEqual([3n, 3n, 3n])
  })

  it('flags an over-mint when pre-mint + supply exceed the reserve, and then every budget is 0', () => {
    expect(budgets(1_000n, [chain(900n, 101n), chain(0n, 0n, 5)])).toEqual({
      overmint: true,
      supply: 900n,
      totalSupply: 900n,
      ccipBurned: 0n,
      ccipMinted: 0n,
      preMint: 101n,
      headroom: 0n,
      mintables: [0n, 0n],
    })
    // Exactly backed is no over-mint, but nothing is left.
    expect(budgets(1_000n, [chain(900n, 100n)])).toMatchObject({ overmint: false, mintables: [0n] })
    // A pre-mint alone can exhaust the reserve.
    expect(budgets(5n, [chain(0n, 6n)])).toMatchObject({ overmint: true, mintables: [0n] })
  })

  it('gives a chain of share 0 nothing, and nothing at all when every share is 0', () => {
    expect(budgets(100n, [chain(10n, 0n, 0), chain(10n)]).mintables).toEqual([0n, 80n])
    expect(budgets(100n, [chain(10n, 0n, 0)]).mintables).toEqual([0n])
  })

  it('refuses a negative figure or a share that is not a non-negative integer', () => {
    expect(() => budgets(-1n, [chain(0n)])).toThrow(RangeError)
    expect(() => budgets(1n, [chain(-1n)])).toThrow(RangeError)
    expect(() => budgets(1n, [chain(0n, -1n)])).toThrow(RangeError)
    expect(() => budgets(1n, [chain(0n, 0n, 0.5)])).toThrow(RangeError)
    expect(() => budgets(1n, [chain(0n, 0n, -1)])).toThrow(RangeError)
  })

  it('never assigns more than the headroom, and leaves less than one unit per chain unassigned', () => {
    const amount = fc.bigInt({ min: 0n, max: 2n ** 256n - 1n })
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.record({ supply: amount, preMint: amount, share: fc.nat({ max: 1_000_000 }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        (reserve, chains) => {
          const result = budgets(reserve, chains)
          const supply = chains.reduce((sum, c) => sum + c.supply, 0n)
          const preMint = chains.reduce((sum, c) => sum + c.preMint, 0n)
          const assigned = result.mintables.reduce((sum, m) => sum + m, 0n)
          expect(result.overmint).toBe(supply + preMint > reserve)
          // Minting every budget at once stays backed.
          expect(supply + preMint + assigned <= reserve || result.overmint).toBe(true)
          expect(result.mintables.every((m) => m >= 0n)).toBe(true)
          if (result.overmint) {
            expect(assigned).toBe(0n)
          } else if (chains.some((c) => c.share > 0)) {
            expect(reserve - supply - preMint - assigned).toBeLessThan(BigInt(chains.length))
          }
        },
      ),
    )
  })
})

describe('countedSupply (CCIP transfers in flight)', () => {
  const flows = (supply: bigint, ccipBurned: bigint, ccipMinted: bigint) => ({
    supply,
    ccipBurned,
    ccipMinted,
  })

  it('counts totalSupply + burned − minted: a transfer in flight counts, and the same once it lands', () => {
    // 750 issued: 100 burned on A for B, not yet minted.
    expect(countedSupply([flows(500n, 100n, 0n), flows(150n, 0n, 0n)])).toEqual({
      supply: 750n,
      totalSupply: 650n,
      ccipBurned: 100n,
      ccipMinted: 0n,
    })
    // Landed: B minted it.
    expect(countedSupply([flows(500n, 100n, 0n), flows(250n, 0n, 100n)]).supply).toBe(750n)
    // B redeemed natively what it received: its term is negative, the sum is right.
    expect(countedSupply([flows(500n, 100n, 0n), flows(50n, 0n, 100n)]).supply).toBe(550n)
  })

  it('refuses mints whose burns are not counted, and the budgets count the same supply', () => {
    expect(() => countedSupply([flows(100n, 0n, 101n)])).toThrow(RangeError)
    const outcome = budgets(1_000n, [
      { ...flows(500n, 100n, 0n), preMint: 0n, share: 1 },
      { ...flows(150n, 0n, 0n), preMint: 0n, share: 1 },
    ])
    expect(outcome).toMatchObject({ supply: 750n, totalSupply: 650n, headroom: 250n })
  })
})
