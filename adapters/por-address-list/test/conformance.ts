/** What the conformance suite (test/conformance/) needs to know about por-address-list. */
import type { Contract } from 'ethers'
import { deploy } from '#chain/artifacts'
import { defineConformance } from '#devkit/conformance'
import { LOCAL_CHAINS, fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'

const CUSTODIANS = ['bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy']

export const conformance = defineConformance({
  output: 'address-list',
  async provider() {
    // A PoRAddressList on local chain A publishing two bitcoin custodian addresses.
    const chain = localProvider('A')
    const signer = await fundedSigner(chain)
    const list = await deploy<Contract>(
      signer,
      'contracts/PoRAddressList.sol:PoRAddressList',
      await signer.getAddress(),
      CUSTODIANS,
    )
    return {
      url: localChainUrl('A'),
      sample: {
        contractAddress: list.target,
        contractAddressNetwork: 'conformance',
        network: 'bitcoin',
        chainId: 'mainnet',
      },
      expected: CUSTODIANS.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' })),
      close: async () => chain.destroy(),
    }
  },
  env: (url, timeoutMs) => ({
    CONFORMANCE_RPC_URL: url,
    CONFORMANCE_RPC_CHAIN_ID: String(LOCAL_CHAINS[0].chainId),
    RPC_TIMEOUT_MS: String(timeoutMs),
  }),
})
