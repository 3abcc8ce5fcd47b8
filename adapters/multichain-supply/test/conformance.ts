/** What the conformance suite (test/conformance/) needs to know about multichain-supply. */
import { Wallet, getAddress, toBeHex } from 'ethers'
import type { Contract } from 'ethers'
import { deploy } from '#chain/artifacts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { MAX_RESULT_DECIMALS } from '../src/endpoint/supply-request'

const NETWORK = 'conformance'
const SUPPLY = 10n ** 24n + 7n
const HELD = 4n * 10n ** 23n

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    // An 18-decimal token on local chain A, part of it held by a lockbox whose balance does not circulate.
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const token = await deploy<Contract>(
      signer,
      'contracts/mocks/DecimalsToken.sol:DecimalsToken',
      'Conformance',
      'CNF',
      18,
      SUPPLY,
    )
    const lockbox = Wallet.createRandom().address
    await (await token.getFunction('transfer')(lockbox, HELD)).wait()
    // A supply of 2^255 at 18 decimals: beyond the int256 of an on-chain answer.
    const inflated = await deploy<Contract>(
      signer,
      'contracts/mocks/DecimalsToken.sol:DecimalsToken',
      'Inflated',
      'INF',
      18,
      2n ** 255n,
    )
    return {
      url: localChainUrl('A'),
      sample: {
        tokens: [{ network: NETWORK, address: token.target }],
        exclude: [{ network: NETWORK, address: lockbox }],
        resultDecimals: 18,
      },
      expected: (SUPPLY - HELD).toString(),
      implausible: {
        sample: { tokens: [{ network: NETWORK, address: inflated.target }], resultDecimals: 18 },
        value: (2n ** 255n).toString(),
      },
      close: async () => chain.destroy(),
    }
  },
  env: (url, timeoutMs) => ({
    CONFORMANCE_RPC_URL: url,
    CONFORMANCE_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
    RPC_TIMEOUT_MS: String(timeoutMs),
  }),
  decimals: { field: 'resultDecimals', max: MAX_RESULT_DECIMALS },
  list: {
    field: 'exclude',
    limit: { setting: 'MAX_EXCLUDED' },
    entry: (i) => ({ network: NETWORK, address: getAddress(toBeHex(i + 1, 20)) }),
  },
})
