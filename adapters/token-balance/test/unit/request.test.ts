import { checkRequest } from '../../src/endpoint/evm-request'
import type { EvmRequestParams } from '../../src/endpoint/evm'

describe('checkRequest', () => {
  const env = {
    ETHEREUM_RPC_URL: 'https://eth.example',
    ETHEREUM_RPC_CHAIN_ID: '1',
    ARBITRUM_ONE_RPC_URL: 'https://arb.example',
    ARBITRUM_ONE_RPC_CHAIN_ID: '42161',
  }
  const USDC = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48'
  const W1 = '0xBc10f2E862ED4502144c7d632a3459F49DFCDB5e'
  const W2 = '0xF977814e90dA44bFA03b6295A0616a897441aceC'
  const params = (addresses: EvmRequestParams['addresses']): EvmRequestParams => ({
    addresses,
    confirmations: 0,
    resultDecimals: 18,
  })

  it('groups the entries by chain and token, in the order first named, and gives the canonical request', () => {
    const request = checkRequest(
      params([
        {
          network: 'Ethereum',
          chainId: '01',
          contractAddress: USDC.toLowerCase(),
          wallets: [W1.toLowerCase()],
        },
        { network: 'arbitrum-one', wallets: [W2] },
        { network: 'ethereum', contractAddress: USDC, wallets: [W2] },
        { network: 'ethereum', wallets: [W1] },
      ]),
      10,
      env,
    )
    expect(request.chains.map((c) => [c.settings.network, c.holdings])).toEqual([
      [
        'ethereum',
        [
          { token: USDC, wallets: [W1, W2] },
          { token: undefined, wallets: [W1] },
        ],
      ],
      ['arbitrum-one', [{ token: undefined, wallets: [W2] }]],
    ])
    expect(request.walletCount).toBe(4)
    expect(request.inputs.addresses).toEqual([
      { network: 'ethereum', chainId: '1', contractAddress: USDC, wallets: [W1] },
      { network: 'arbitrum-one', wallets: [W2] },
      { network: 'ethereum', contractAddress: USDC, wallets: [W2] },
      { network: 'ethereum', wallets: [W1] },
    ])
    // The canonical request is its own canonical form.
    expect(checkRequest(request.inputs, 10, env).inputs).toEqual(request.inputs)
  })

  it('counts the wallets of every entry against MAX_WALLETS', () => {
    expect(() =>
      checkRequest(
        params([
          { network: 'ethereum', wallets: [W1, W2] },
          { network: 'arbitrum-one', wallets: [W1] },
        ]),
        2,
        env,
      ),
    ).toThrow('addresses: 3 wallets in all, more than MAX_WALLETS (2)')
  })

  it('refuses a chain id that is not decimal', () => {
    expect(() =>
      checkRequest(params([{ network: 'ethereum', chainId: '0x1', wallets: [W1] }]), 2, env),
    ).toThrow('addresses[0].chainId: "0x1" is not a chain id in decimal')
  })
})
