import type { Addressable } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import type { BudgetFigures } from '../../src/provider/budgets'

/** The adapter's answer: budgets, a computed error, or a 400 from input validation. */
export interface MintableResponse {
  statusCode: number
  result?: string
  data: BudgetFigures
  errorMessage?: string
  error?: { message: string }
}

/** The integration tests' reserve: a custodian's reserve tokens on chain A ("alpha"), read by token-balance, in USD. */
export const custodyReserve = (reserveToken: string | Addressable, custodian: string) => ({
  balanceSources: [
    {
      name: 'custody',
      provider: 'token-balance',
      addresses: [{ network: 'alpha', contractAddress: reserveToken, wallets: [custodian] }],
    },
  ],
  components: [{ name: 'Custody', currency: 'USD', balanceSource: 'custody' }],
})

/** Sends `data` to the adapter: the status and the answer. */
export async function askAdapter(testAdapter: TestAdapter, data: Record<string, unknown>) {
  const response = await testAdapter.request(data)
  return { status: response.statusCode, json: response.json() as MintableResponse }
}
