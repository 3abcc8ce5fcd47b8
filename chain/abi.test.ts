/**
 * The human-readable fragments of chain/abi.ts against the compiled contracts they stand for: each
 * function and event must have the same types, mutability and indexing (names may differ) as in the
 * ABI solc produced for Chainlink's interfaces, OpenZeppelin's ERC-20 and our Multicall3 mock.
 */
import { Interface, type InterfaceAbi } from 'ethers'
import {
  aggregatorV3Interface,
  ccipTokenPoolInterface,
  erc20Interface,
  multicall3Interface,
  porAddressListInterface,
} from './abi'
import { readArtifact, readBuildOutputs } from './artifacts'
import { ARTIFACT } from './contracts'

/** The ABI of a contract compiled in our builds, found by the end of its source name (any package version). */
function compiledInterface(sourceSuffix: string, contract: string): Interface {
  for (const output of readBuildOutputs('contracts')) {
    for (const [source, contracts] of Object.entries(output.contracts)) {
      if (source.endsWith(sourceSuffix) && contracts[contract]) {
        return new Interface(contracts[contract].abi as InterfaceAbi)
      }
    }
  }
  throw new Error(`${contract} (${sourceSuffix}) is not in the build`)
}

/** Every function and event of `ours`, and the same member of `reference`, as minimal signatures. */
function sideBySide(ours: Interface, reference: Interface): [string, string | undefined][] {
  const rows: [string, string | undefined][] = []
  ours.forEachFunction((f) =>
    rows.push([f.format('minimal'), reference.getFunction(f.name)?.format('minimal')]),
  )
  ours.forEachEvent((e) => rows.push([e.format('minimal'), reference.getEvent(e.name)?.format('minimal')]))
  return rows
}

const same = (rows: [string, string | undefined][]) => {
  expect(rows.length).toBeGreaterThan(0)
  for (const [ours, reference] of rows) expect(reference).toBe(ours)
}

describe('the ABI fragments of chain/abi.ts', () => {
  it("ERC-20: as OpenZeppelin's IERC20Metadata", () => {
    same(
      sideBySide(
        erc20Interface,
        compiledInterface('/token/ERC20/extensions/IERC20Metadata.sol', 'IERC20Metadata'),
      ),
    )
  })

  it("PoRAddressList: as Chainlink's interface", () => {
    same(
      sideBySide(
        porAddressListInterface,
        compiledInterface('/src/v0.8/interfaces/PoRAddressList.sol', 'PoRAddressList'),
      ),
    )
  })

  it("AggregatorV3: as Chainlink's AggregatorV3Interface, and AnswerUpdated as its AggregatorInterface", () => {
    const v3 = compiledInterface('/shared/interfaces/AggregatorV3Interface.sol', 'AggregatorV3Interface')
    const v2 = compiledInterface('/shared/interfaces/AggregatorInterface.sol', 'AggregatorInterface')
    const reference = new Interface([...v3.fragments, ...v2.fragments.filter((f) => f.type === 'event')])
    same(sideBySide(aggregatorV3Interface, reference))
  })

  it("CCIP token pool: as CCIP's BurnMintTokenPool 2.0.0", () => {
    same(
      sideBySide(
        ccipTokenPoolInterface,
        new Interface(
          readArtifact('@chainlink/contracts-ccip/contracts/pools/BurnMintTokenPool.sol:BurnMintTokenPool')
            .abi as InterfaceAbi,
        ),
      ),
    )
  })

  it('Multicall3: as our Multicall3 mock, with the canonical selectors', () => {
    same(
      sideBySide(
        multicall3Interface,
        new Interface(readArtifact(ARTIFACT.MinimalMulticall3).abi as InterfaceAbi),
      ),
    )
    // Multicall3's deployed selectors (mds1/multicall), which the mock must match too.
    expect(multicall3Interface.getFunction('aggregate3')!.selector).toBe('0x82ad56cb')
    expect(multicall3Interface.getFunction('getBlockNumber')!.selector).toBe('0x42cbb15c')
    expect(multicall3Interface.getFunction('getEthBalance')!.selector).toBe('0x4d2301cc')
  })
})
