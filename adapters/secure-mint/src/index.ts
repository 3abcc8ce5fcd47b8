import { ReserveAdapter } from '#common/adapter'
import { noEvmNetworkConfigured } from '#common/evm-rpc'
import { makeConfig } from './config'
import { makeMintableEndpoint } from './endpoint/mintable'

export const description =
  "Secure Mint budgets (Chainlink's secure-mint): per chain, what may still be minted against the reserve, and the over-mint flag"

export { computeBudgets, type BudgetFigures } from './provider/budgets'

/** A fresh adapter (a transport initializes once, so tests build one per configuration). */
export function makeAdapter() {
  return new ReserveAdapter({
    name: 'SECURE_MINT',
    defaultEndpoint: 'mintable',
    config: makeConfig(),
    // The supply is always read on EVM chains: at least one must be configured.
    noProviderConfigured: () => noEvmNetworkConfigured(),
    endpoints: [makeMintableEndpoint()],
  })
}

export const adapter = makeAdapter()
