import { withListWallets } from '../../src/endpoint/reserves-request'

describe('withListWallets', () => {
  const env = {
    ETHEREUM_RPC_URL: 'https://eth.example',
    ETHEREUM_RPC_CHAIN_ID: '1',
    ARBITRUM_RPC_URL: 'https://arb.example',
    ARBITRUM_RPC_CHAIN_ID: '42161',
  }
  const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
  const [W1, W2, W3] = [
    '0xBc10f2E862ED4502144c7d632a3459F49DFCDB5e',
    '0xF977814e90dA44bFA03b6295A0616a897441aceC',
    '0x000000000000000000000000000000000000dEaD',
  ]

  it('gives each address to the entries without wallets on its network, and leaves the others as they are', () => {
    expect(
      withListWallets(
        [
          { network: 'ethereum', contractAddress: USDC, wallets: [] },
          { network: 'Ethereum', wallets: [] },
          { network: 'arbitrum', wallets: [W3] },
          { network: 'arbitrum', contractAddress: USDC, wallets: [] },
        ],
        [
          { address: W1, network: 'ethereum', chainId: '1' },
          { address: W2, network: 'arbitrum', chainId: '42161' },
          { address: W2, network: 'ETHEREUM', chainId: '1' },
        ],
        env,
      ),
    ).toEqual([
      { network: 'ethereum', contractAddress: USDC, wallets: [W1, W2] },
      { network: 'Ethereum', wallets: [W1, W2] },
      { network: 'arbitrum', wallets: [W3] },
      { network: 'arbitrum', contractAddress: USDC, wallets: [W2] },
    ])
  })

  it.each([
    [
      [{ address: W1, network: 'base', chainId: '8453' }],
      /address 0 .* is on network "base", which no entry without wallets reads/,
    ],
    [
      [{ address: W1, network: 'ethereum', chainId: 'mainnet' }],
      /stamped chainId "mainnet", not the chain id of network "ethereum" \(1\)/,
    ],
    [[], /addresses\[0\]: has no wallets, and the list gives it none/],
  ])('refuses %p', (list, message) => {
    expect(() => withListWallets([{ network: 'ethereum', wallets: [] }], list, env)).toThrow(message)
  })
})
