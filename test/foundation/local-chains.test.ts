import { fundedSigner, localProvider } from '#devkit/local-chain'

describe('local chains', () => {
  it.each([
    ['A', 31337n],
    ['B', 31338n],
  ] as const)('chain %s answers with chain id %s', async (name, chainId) => {
    const provider = localProvider(name)
    const network = await provider.getNetwork()
    expect(network.chainId).toBe(chainId)
    const signer = await fundedSigner(provider)
    expect(await provider.getBalance(await signer.getAddress())).toBe(10n ** 21n)
    provider.destroy()
  })
})
