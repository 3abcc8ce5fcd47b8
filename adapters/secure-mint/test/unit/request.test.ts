import { SECURE_MINT_SETTINGS, type Settings } from '../../src/config'
import { checkRequest } from '../../src/endpoint/mintable-request'
import type { MintableRequestParams } from '../../src/endpoint/mintable'

/** The settings' defaults, as the adapter starts with them. */
const settings = Object.fromEntries(
  Object.entries(SECURE_MINT_SETTINGS).map(([name, definition]) => [
    name,
    (definition as { default?: unknown }).default,
  ]),
) as Settings
const env = {
  ALPHA_RPC_URL: 'http://127.0.0.1:1',
  ALPHA_RPC_CHAIN_ID: '31337',
  BETA_RPC_URL: 'http://127.0.0.1:2',
  BETA_RPC_CHAIN_ID: '31338',
  SAME_AS_ALPHA_RPC_URL: 'http://127.0.0.1:3',
  SAME_AS_ALPHA_RPC_CHAIN_ID: '31337',
}
const TOKEN = '0x0000000000085d4780B73119b644AE5ecd22b376'
const RESERVE = '0x4D15a3A2286D883AF0AA1B3f21367843FAc63E07'
const CUSTODIAN = '0x000000000000000000000000000000000000dEaD'

function request(change: Partial<Record<keyof MintableRequestParams, unknown>> = {}): MintableRequestParams {
  return {
    token: 'USDX',
    decimals: 18,
    currency: 'usd',
    supplyChains: [
      { network: 'ALPHA', address: TOKEN.toLowerCase(), confirmations: 2, preMint: '5', share: 3 },
      { network: 'beta', address: TOKEN },
    ],
    balanceSources: [
      {
        name: 'custody',
        provider: 'token-balance',
        addresses: [{ network: 'alpha', contractAddress: RESERVE, wallets: [CUSTODIAN] }],
      },
    ],
    components: [{ name: 'Custody', currency: 'USD', balanceSource: 'custody' }],
    ...change,
  } as MintableRequestParams
}

const refusal = (params: MintableRequestParams) => {
  try {
    checkRequest(params, settings, env)
  } catch (error) {
    return { status: (error as { statusCode?: number }).statusCode, message: (error as Error).message }
  }
  throw new Error('the request was taken')
}

describe('checkRequest', () => {
  it('takes a request, every default filled in, names and addresses in canonical form', () => {
    const checked = checkRequest(request(), settings, env)
    expect(
      checked.chains.map((c) => [c.settings.network, c.token, c.confirmations, c.preMint, c.share]),
    ).toEqual([
      ['alpha', TOKEN, 2, 5n, 3],
      ['beta', TOKEN, 0, 0n, 1],
    ])
    expect(checked.currency).toBe('USD')
    // The reserve is read at the token's decimals.
    expect(checked.reserve.resultDecimals).toBe(18)
    expect(checked.inputs).toMatchObject({
      token: 'USDX',
      decimals: 18,
      currency: 'USD',
      supplyChains: [
        { network: 'alpha', address: TOKEN, confirmations: 2, preMint: '5', share: 3 },
        { network: 'beta', address: TOKEN, confirmations: 0, preMint: '0', share: 1 },
      ],
    })
    expect(checked.inputs).not.toHaveProperty('resultDecimals')
    // Canonical inputs are their own canonical form.
    expect(checkRequest(checked.inputs, settings, env).inputs).toEqual(checked.inputs)
  })

  it.each([
    [{ decimals: 37 }, /^decimals: must be an integer from 0 to 36/],
    [{ decimals: 1.5 }, /^decimals:/],
    [{ token: '' }, /^token:/],
    [{ currency: 'U S D' }, /^currency:/],
    [
      { currency: 'BTC' },
      /^currency: the token is backed by BTC, but the reserve's components add up in USD/,
    ],
    [{ supplyChains: [] }, /^supplyChains: list at least one/],
    [
      { supplyChains: [{ network: 'gamma', address: TOKEN }] },
      /^supplyChains\[0\]\.network: network "gamma" is not configured/,
    ],
    [
      {
        supplyChains: [
          { network: 'alpha', address: TOKEN },
          { network: 'same_as_alpha', address: TOKEN },
        ],
      },
      /^supplyChains\[1\]\.network: "same_as_alpha" is chain 31337, as "alpha" is/,
    ],
    [{ supplyChains: [{ network: 'alpha', address: '0x12' }] }, /^supplyChains\[0\]\.address/],
    [
      { supplyChains: [{ network: 'alpha', address: TOKEN, confirmations: -1 }] },
      /^supplyChains\[0\]\.confirmations/,
    ],
    [{ supplyChains: [{ network: 'alpha', address: TOKEN, preMint: '1.5' }] }, /^supplyChains\[0\]\.preMint/],
    [{ supplyChains: [{ network: 'alpha', address: TOKEN, preMint: '-1' }] }, /^supplyChains\[0\]\.preMint/],
    [{ supplyChains: [{ network: 'alpha', address: TOKEN, preMint: '01' }] }, /^supplyChains\[0\]\.preMint/],
    [{ supplyChains: [{ network: 'alpha', address: TOKEN, share: -1 }] }, /^supplyChains\[0\]\.share/],
    [{ components: [] }, /^components: list at least one component/],
  ])('refuses %j with a 400 naming the field', (change, message) => {
    expect(refusal(request(change))).toEqual({ status: 400, message: expect.stringMatching(message) })
  })

  it('refuses more supply chains than MAX_SUPPLY_CHAINS before reading any', () => {
    const chains = Array.from({ length: settings.MAX_SUPPLY_CHAINS + 1 }, () => ({
      network: 'nowhere',
      address: 'x',
    }))
    expect(refusal(request({ supplyChains: chains }))).toEqual({
      status: 400,
      message: `supplyChains: ${chains.length} chains, more than MAX_SUPPLY_CHAINS (${settings.MAX_SUPPLY_CHAINS})`,
    })
  })

  it("takes a chain's CCIP pool with its deployment block, and refuses one without the other, each a 400 naming the field", () => {
    const POOL = '0x' + '77'.repeat(20)
    const pooled = (extra: Record<string, unknown>) =>
      request({ supplyChains: [{ network: 'alpha', address: TOKEN, ...extra }] })
    const taken = checkRequest(pooled({ ccipPool: POOL, ccipPoolFromBlock: 12 }), settings, env)
    expect(taken.chains[0].ccipPool).toEqual({ address: POOL, fromBlock: 12, blockRange: 2_000 })
    expect(taken.inputs.supplyChains[0]).toMatchObject({ ccipPool: POOL, ccipPoolFromBlock: 12 })
    expect(refusal(pooled({ ccipPool: POOL }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^supplyChains\[0\]\.ccipPoolFromBlock: /),
    })
    expect(refusal(pooled({ ccipPoolFromBlock: 12 }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^supplyChains\[0\]\.ccipPool: /),
    })
    expect(refusal(pooled({ ccipPool: POOL, ccipPoolFromBlock: -1 }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^supplyChains\[0\]\.ccipPoolFromBlock: must be a non-negative integer/),
    })
    expect(refusal(pooled({ ccipPool: TOKEN, ccipPoolFromBlock: 1 }))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^supplyChains\[0\]\.ccipPool: .* is the token itself/),
    })
    expect(() =>
      checkRequest(pooled({ ccipPool: POOL, ccipPoolFromBlock: 1 }), settings, {
        ...env,
        ALPHA_RPC_LOG_BLOCK_RANGE: '0',
      }),
    ).toThrow(/ALPHA_RPC_LOG_BLOCK_RANGE must be at least 1/)
  })
})
