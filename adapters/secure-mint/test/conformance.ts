/** What the conformance suite (test/conformance/) needs to know about secure-mint. */
import { Wallet } from 'ethers'
import type { Contract } from 'ethers'
import { deploy } from '#chain/artifacts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'

const NETWORK = 'conformance'
const TOKEN = 'contracts/mocks/DecimalsToken.sol:DecimalsToken'
const SUPPLY = 4n * 10n ** 23n
const RESERVE = 10n ** 24n + 7n

/** A reserve of the reserve token `reserve` in `custodian`'s wallet, read by token-balance. */
const reserves = (reserve: unknown, custodian: string) => ({
  balanceSources: [
    {
      name: 'custody',
      provider: 'token-balance',
      addresses: [{ network: NETWORK, contractAddress: reserve, wallets: [custodian] }],
    },
  ],
  components: [{ name: 'Custody', currency: 'USD', balanceSource: 'custody' }],
})

export const conformance = defineConformance({
  output: 'numeric',
  async provider() {
    // On local chain A: an 18-decimal token, and the 18-decimal token its reserve is held in.
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const custodian = Wallet.createRandom().address
    const token = await deploy<Contract>(signer, TOKEN, 'Backed', 'BKD', 18, SUPPLY)
    const reserve = await deploy<Contract>(signer, TOKEN, 'Reserve', 'RSV', 18, RESERVE)
    await (await reserve.getFunction('transfer')(custodian, RESERVE)).wait()
    // A reserve of 2^255 units with no supply: a budget beyond the int256 of an on-chain answer.
    const unbacked = await deploy<Contract>(signer, TOKEN, 'Unissued', 'UNI', 18, 0n)
    const hoard = await deploy<Contract>(signer, TOKEN, 'Hoard', 'HRD', 18, 2n ** 255n)
    await (await hoard.getFunction('transfer')(custodian, 2n ** 255n)).wait()
    const request = (backed: unknown, held: unknown) => ({
      token: 'Backed',
      decimals: 18,
      currency: 'USD',
      supplyChains: [{ network: NETWORK, address: backed }],
      ...reserves(held, custodian),
    })
    return {
      url: localChainUrl('A'),
      sample: request(token.target, reserve.target),
      expected: (RESERVE - SUPPLY).toString(),
      implausible: { sample: request(unbacked.target, hoard.target), value: (2n ** 255n).toString() },
      close: async () => chain.destroy(),
    }
  },
  env: (url, timeoutMs) => ({
    CONFORMANCE_RPC_URL: url,
    CONFORMANCE_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
    RPC_TIMEOUT_MS: String(timeoutMs),
  }),
  // The supply and the reserve's tokens are read over JSON-RPC: its cap.
  bodyCap: 'RPC_MAX_BODY_BYTES',
  // `decimals` is not an output scale chosen by the request: it must be the token's own
  // (decimals() on every chain), so the suite's "any decimals up to the maximum" does not apply.
  list: {
    field: 'supplyChains',
    limit: { setting: 'MAX_SUPPLY_CHAINS' },
    entry: (i) => ({ network: NETWORK, address: `0x${(i + 1).toString(16).padStart(40, '0')}` }),
  },
})
