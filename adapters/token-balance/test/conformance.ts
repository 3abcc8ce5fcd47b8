/** What the conformance suite (test/conformance/) needs to know about token-balance. */
import { Wallet, getAddress, toBeHex } from 'ethers'
import { deployDecimalsToken } from '#chain/contracts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { MAX_RESULT_DECIMALS } from '../src/endpoint/evm-request'

const NETWORK = 'conformance'
const HELD = [4n * 10n ** 23n + 7n, 123_456n]

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    // Two custodian wallets holding an 18-decimal token on local chain A.
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const token = await deployDecimalsToken(signer, 'Conformance', 'CNF', 18, 10n ** 24n)
    const wallets = [Wallet.createRandom().address, Wallet.createRandom().address]
    for (const [i, wallet] of wallets.entries()) await (await token.transfer(wallet, HELD[i])).wait()
    // One wallet holding 2^255 units at 18 decimals: beyond the int256 of an on-chain answer.
    const inflated = await deployDecimalsToken(signer, 'Inflated', 'INF', 18, 2n ** 255n)
    return {
      url: localChainUrl('A'),
      sample: {
        addresses: [{ network: NETWORK, contractAddress: token.target, wallets }],
        resultDecimals: 18,
      },
      expected: (HELD[0] + HELD[1]).toString(),
      implausible: {
        sample: {
          addresses: [
            { network: NETWORK, contractAddress: inflated.target, wallets: [await signer.getAddress()] },
          ],
          resultDecimals: 18,
        },
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
    field: 'addresses',
    limit: { setting: 'MAX_WALLETS' },
    entry: (i) => ({ network: NETWORK, wallets: [getAddress(toBeHex(i + 1, 20))] }),
  },
})
