import { makeConfig, type Settings } from '../../src/config'
import { checkRequest } from '../../src/endpoint/balance-request'

const A = 'bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4'
const P2PKH = '1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa'
const entry = (address: string, chainId = 'mainnet', network = 'bitcoin') => ({ address, network, chainId })

const settings = {
  ...makeConfig().settings,
  BITCOIN_MAINNET_ESPLORA_URL: 'https://esplora.example/api',
  BITCOIN_TESTNET_ESPLORA_URL: 'https://esplora.example/testnet/api',
  BITCOIN_SIGNET_ESPLORA_URL: undefined,
  MAX_ADDRESSES: 3,
} as Settings

const check = (addresses: ReturnType<typeof entry>[], minConfirmations = 6) =>
  checkRequest({ addresses, minConfirmations } as never, settings)

const rejects = (fn: () => unknown, message: RegExp) =>
  expect(fn).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(message) }))

describe('checkRequest', () => {
  it('returns the chain, canonical addresses and duplicates, and the request in canonical form', () => {
    expect(check([entry(A), entry(A.toUpperCase(), 'MainNet', 'BITCOIN'), entry(P2PKH)])).toEqual({
      chainId: 'mainnet',
      addresses: [A, P2PKH],
      duplicates: [A],
      minConfirmations: 6,
      inputs: { addresses: [entry(A), entry(A), entry(P2PKH)], minConfirmations: 6 },
    })
  })

  it('keeps a base58 address as sent: its case is the address', () => {
    rejects(() => check([entry(P2PKH.toLowerCase())]), /not a valid bitcoin mainnet address/)
  })

  it('gives canonical inputs that are their own canonical form', () => {
    const { inputs } = check([entry(A.toUpperCase(), 'MAINNET', 'Bitcoin'), entry(P2PKH)])
    expect(checkRequest(inputs, settings).inputs).toEqual(inputs)
  })

  it('rejects an empty list and a list over MAX_ADDRESSES', () => {
    rejects(() => check([]), /at least one address/)
    rejects(() => check([entry(A), entry(A), entry(A), entry(A)]), /4 entries.*MAX_ADDRESSES/)
  })

  it('names the bad address', () => {
    rejects(
      () => check([entry(A), entry('bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5')]),
      /addresses\[1\]\.address "bc1q.*t5"/,
    )
  })

  it('rejects addresses of another network than the chainId says', () => {
    rejects(() => check([entry(A, 'testnet')]), /not a valid bitcoin testnet address/)
  })

  it('rejects a chainId without a configured provider, naming the setting', () => {
    rejects(
      () => check([entry('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'signet')]),
      /BITCOIN_SIGNET_ESPLORA_URL is not set/,
    )
  })

  it('rejects unknown chainIds, other networks and mixed chains', () => {
    rejects(() => check([entry(A, 'main')]), /addresses\[0\]\.chainId must be one of/)
    rejects(() => check([entry(A, 'mainnet', 'ethereum')]), /addresses\[0\]\.network must be "bitcoin"/)
    rejects(
      () => check([entry(A), entry('tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', 'testnet')]),
      /mix chainIds/,
    )
  })

  it('rejects a minConfirmations that is not an integer ≥ 0', () => {
    rejects(() => check([entry(A)], -1), /minConfirmations/)
    rejects(() => check([entry(A)], 1.5), /minConfirmations/)
    expect(check([entry(A)], 0).minConfirmations).toBe(0)
  })
})
