import { seededAddress } from '#devkit/bitcoin-address'
import { Contract, type JsonRpcProvider, type NonceManager } from 'ethers'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { deploy } from '#chain/artifacts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startFaultProxy, type ProxyAction, type FaultProxy } from '#devkit/fault-proxy'
import { resolveEvmNetwork } from '#common/evm-rpc'
import { makeAdapter } from '../../src'
import { readAddressList } from '../../src/provider/address-list'

/**
 * PoRAddressList contracts deployed on the two local chains (Jest's global setup): `alpha` is
 * chain A (31337, with Multicall3), `beta` chain B (31338, without: JSON-RPC batches).
 */
const POR_ADDRESS_LIST = 'contracts/PoRAddressList.sol:PoRAddressList'

interface AddressResponse {
  statusCode: number
  result?: null
  data: { result: { address: string; network: string; chainId: string }[]; blockNumber: number }
  errorMessage?: string
  error?: { message: string }
}

describe('por-address-list adapter', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let signerA: NonceManager
  let signerB: NonceManager
  let testAdapter: TestAdapter
  let editing: { proxy: FaultProxy; list?: Contract; pending: boolean }[]
  const lists: Record<string, Contract> = {}
  const names = new Map<string, string>()
  const twentyFive = Array.from({ length: 25 }, (_, i) => seededAddress(`custodian-${i}`))

  const deployList = async (signer: NonceManager, name: string, addresses: string[]) => {
    const list = await deploy<Contract>(signer, POR_ADDRESS_LIST, await signer.getAddress(), addresses)
    lists[name] = list
    names.set((list.target as string).toLowerCase(), `<${name}>`)
    return list
  }

  const stable = (json: AddressResponse): unknown => {
    let text = JSON.stringify({ ...json, timestamps: '<timestamps>' })
    for (const [address, name] of names) text = text.replace(new RegExp(address, 'gi'), name)
    text = text
      .replace(/"blockNumber":\d+/g, '"blockNumber":"<block>"')
      .replace(/"blockTimestamp":\d+/g, '"blockTimestamp":"<time>"')
      .replace(/block \d+/g, 'block <n>')
      .replace(/127\.0\.0\.1:\d+/g, '127.0.0.1:<port>')
    return JSON.parse(text)
  }

  async function addresses(data: Record<string, unknown>) {
    const response = await testAdapter.request(data)
    return { status: response.statusCode, json: response.json() as AddressResponse }
  }

  const request = (list: string, network: string, extra: Record<string, unknown> = {}) => ({
    contractAddress: lists[list].target,
    contractAddressNetwork: network,
    network: 'bitcoin',
    chainId: 'mainnet',
    ...extra,
  })

  /**
   * A proxy that, the first time it sees a second round trip (the remaining batches), first
   * removes the list's first address (the last one moves into its slot) and adds a new one,
   * then lets the read through: an edit landing between two batches.
   */
  const editingProxy = async (chain: 'A' | 'B') => {
    const entry: { proxy: FaultProxy; list?: Contract; pending: boolean } = {
      proxy: undefined as unknown as FaultProxy,
      pending: true,
    }
    entry.proxy = await startFaultProxy(localChainUrl(chain), async (i): Promise<ProxyAction> => {
      if (i === 1 && entry.pending && entry.list) {
        entry.pending = false
        const signer = chain === 'A' ? signerA : signerB
        const list = entry.list.connect(signer) as Contract
        await (await list.removeAddresses([twentyFive[0]])).wait()
        await (await list.addAddresses([seededAddress('late')])).wait()
      }
      return 'forward'
    })
    return entry
  }

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    // Multicall3 visible at the deepest block read here (confirmations 2).
    await ensureMulticall3(providerA, 2)
    ;[signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    await deployList(signerA, 'alpha25', twentyFive)
    await deployList(signerA, 'alphaEmpty', [])
    await deployList(signerA, 'alphaTorn', twentyFive)
    await deployList(signerB, 'beta25', twentyFive)
    await deployList(signerB, 'betaTorn', twentyFive)
    editing = [await editingProxy('A'), await editingProxy('B')]
    editing[0].list = lists.alphaTorn
    editing[1].list = lists.betaTorn
    testAdapter = await startTestAdapter(makeAdapter(), {
      ALPHA_RPC_URL: localChainUrl('A'),
      ALPHA_RPC_CHAIN_ID: '31337',
      BETA_RPC_URL: localChainUrl('B'),
      BETA_RPC_CHAIN_ID: '31338',
      EDITED_A_RPC_URL: editing[0].proxy.url,
      EDITED_A_RPC_CHAIN_ID: '31337',
      EDITED_B_RPC_URL: editing[1].proxy.url,
      EDITED_B_RPC_CHAIN_ID: '31338',
      WRONG_RPC_URL: localChainUrl('B'),
      WRONG_RPC_CHAIN_ID: '31337',
      // Chain A, its chain id written in hex: the operator's mistake, not the request's.
      HEXID_RPC_URL: localChainUrl('A'),
      HEXID_RPC_CHAIN_ID: '0x7a69',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
  })

  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    await Promise.all(editing.map((e) => e.proxy.close()))
    providerA.destroy()
    providerB.destroy()
  })

  it('reads a 25-address list in batches of 10 on chain A, in order, stamped for btc-balance', async () => {
    const { status, json } = await addresses(request('alpha25', 'alpha', { batchSize: 10 }))
    expect(status).toBe(200)
    expect(json.result).toBeNull()
    expect(json.data.result).toEqual(
      twentyFive.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' })),
    )
    expect(json.data.blockNumber).toBeLessThanOrEqual(await providerA.getBlockNumber())
    expect(stable(json)).toMatchSnapshot()
  })

  it('reads the list on chain B (no Multicall3) with the default batch size', async () => {
    const { status, json } = await addresses(request('beta25', 'beta'))
    expect(status).toBe(200)
    expect(json.data.result.map((a) => a.address)).toEqual(twentyFive)
  })

  it('answers an empty list with an empty result', async () => {
    const { status, json } = await addresses(request('alphaEmpty', 'alpha', { batchSize: 1 }))
    expect(status).toBe(200)
    expect(json.data.result).toEqual([])
    expect(stable(json)).toMatchSnapshot()
  })

  it.each([
    ['A', 'alphaTorn', 'edited-a', 0],
    ['B', 'betaTorn', 'edited-b', 1],
  ] as const)(
    'reads every batch at one block: an edit landing mid-read does not tear the list (chain %s)',
    async (_chain, list, network, i) => {
      const { status, json } = await addresses(request(list, network, { batchSize: 10 }))
      expect(status).toBe(200)
      // The edit did land between the first and the second round trip...
      expect(editing[i].pending).toBe(false)
      expect(await lists[list].getPoRAddressList(0, 0)).toEqual([twentyFive[24]])
      // ...and the list is reported as it stood at the pinned block, whole.
      expect(json.data.result.map((a) => a.address)).toEqual(twentyFive)
    },
  )

  it('refuses an RPC on another chain: 502 naming the network', async () => {
    const { status, json } = await addresses(request('alpha25', 'wrong'))
    expect(status).toBe(502)
    expect(json.errorMessage).toContain('reports chain id 31338, expected 31337 (WRONG_RPC_CHAIN_ID)')
    expect(stable(json)).toMatchSnapshot()
  })

  it('refuses an address without a PoRAddressList contract', async () => {
    const { status, json } = await addresses({
      ...request('alpha25', 'alpha'),
      contractAddress: await signerA.getAddress(),
    })
    expect(status).toBe(502)
    expect(json.errorMessage).toMatch(
      /^alpha: address list 0x[0-9a-fA-F]{40} at block \d+: getPoRAddressListLength\(\) returned nothing: no PoRAddressList contract at this address\?$/,
    )
  })

  it.each([
    [
      { contractAddressNetwork: 'nowhere' },
      'contractAddressNetwork: network "nowhere" is not configured: set NOWHERE_RPC_URL and NOWHERE_RPC_CHAIN_ID',
    ],
    [{ contractAddress: '0x1234' }, 'contractAddress: "0x1234" is not an EVM address (0x and 40 hex digits)'],
    [{ batchSize: 0 }, 'batchSize: must be an integer from 1 to 1000 (MAX_BATCH_SIZE), got 0'],
    [{ confirmations: -2 }, 'confirmations: must be a non-negative integer, got -2'],
    [{ chainId: ' ' }, 'chainId: " " is not a name: letters, digits, "-" and "_", at most 64'],
  ])('answers 400 to %j', async (override, message) => {
    const { status, json } = await addresses({ ...request('alpha25', 'alpha'), ...override })
    expect(status).toBe(400)
    expect(json.error?.message).toBe(message)
  })

  it("answers 500 naming the setting when a network's settings are malformed: the request is valid", async () => {
    const { status, json } = await addresses(request('alpha25', 'hexid'))
    expect(status).toBe(500)
    expect(json.error?.message).toBe('HEXID_RPC_CHAIN_ID must be a positive decimal integer, got "0x7a69"')
  })

  describe('RPC round trips', () => {
    const proxies: FaultProxy[] = []
    afterAll(() => Promise.all(proxies.map((p) => p.close())))

    const read = async (chain: 'A' | 'B', list: string, batchSize: number, confirmations = 0) => {
      const proxy = await startFaultProxy(localChainUrl(chain))
      proxies.push(proxy)
      const settings = resolveEvmNetwork('counted', 'network', {
        COUNTED_RPC_URL: proxy.url,
        COUNTED_RPC_CHAIN_ID: chain === 'A' ? '31337' : '31338',
      })
      const result = await readAddressList(
        {
          settings,
          contractAddress: lists[list].target as string,
          network: 'bitcoin',
          chainId: 'mainnet',
          batchSize,
          confirmations,
        },
        { timeoutMs: 5000, maxAddresses: 10_000 },
      )
      expect(result.rpcRequests).toBe(proxy.requests.length)
      return result
    }

    it.each([
      ['A', 'alpha25', 100, 0, 'multicall3', 1],
      ['A', 'alpha25', 10, 0, 'multicall3', 2],
      ['A', 'alpha25', 1, 0, 'multicall3', 2],
      ['A', 'alpha25', 10, 2, 'multicall3', 3],
      ['B', 'beta25', 100, 0, 'batch', 2],
      ['B', 'beta25', 3, 0, 'batch', 3],
    ] as const)(
      'chain %s, %s, batchSize %i, confirmations %i: read via %s in %i round trips',
      async (chain, list, batchSize, confirmations, via, trips) => {
        const result = await read(chain, list, batchSize, confirmations)
        expect(result.readVia).toBe(via)
        expect(result.rpcRequests).toBe(trips)
        expect(result.addresses.map((a) => a.address)).toEqual(twentyFive)
      },
    )

    it('refuses a list longer than MAX_ADDRESSES rather than truncate it', async () => {
      const settings = resolveEvmNetwork('alpha', 'network', {
        ALPHA_RPC_URL: localChainUrl('A'),
        ALPHA_RPC_CHAIN_ID: '31337',
      })
      await expect(
        readAddressList(
          {
            settings,
            contractAddress: lists.alpha25.target as string,
            network: 'bitcoin',
            chainId: 'mainnet',
            batchSize: 10,
            confirmations: 0,
          },
          { timeoutMs: 5000, maxAddresses: 24 },
        ),
      ).rejects.toThrow(/the list holds 25 addresses, more than MAX_ADDRESSES \(24\)$/)
    })
  })
})
