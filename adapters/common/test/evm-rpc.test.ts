import { jest } from '@jest/globals'
import fc from 'fast-check'
import { Wallet, id, type JsonRpcProvider } from 'ethers'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { erc20Interface as erc20, multicall3Interface, porAddressListInterface } from '#chain/abi'
import { decodeStringArray } from '../evm-calls'
import { deployDecimalsToken } from '#chain/contracts'
import type { DecimalsToken } from '#chain/contracts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import {
  EvmRpcClient,
  MULTICALL3_ADDRESS,
  addressCallData,
  decodeAggregate3,
  decodeUint256,
  encodeAggregate3,
  evmSettingNames,
  nativeBalanceCall,
  resolveEvmNetwork,
  type CallOutcome,
  type EvmCall,
  type EvmNetworkSettings,
} from '../evm-rpc'
import { deadUrl } from '#devkit/ports'
import { ensureMulticall3 } from '#devkit/multicall3'
import { startFaultProxy, type FaultProxy, type ProxyAction } from '#devkit/fault-proxy'
import { relayEdited, startLaggingRpc } from '#devkit/rpc-proxy'
import { DEV_CHAIN_IDS, defaultFreshness, isDevChain, type FreshnessLimits } from '../evm-chains'

const settingsFor = (
  urls: string[],
  chainId: bigint,
  network = 'local',
  limits: Partial<FreshnessLimits> = {},
): EvmNetworkSettings => ({
  network,
  urlSetting: 'LOCAL_RPC_URL',
  chainIdSetting: 'LOCAL_RPC_CHAIN_ID',
  urls,
  chainId,
  freshness: {
    ...defaultFreshness(chainId),
    ...limits,
    maxHeadAgeSetting: 'LOCAL_RPC_MAX_HEAD_AGE_SECONDS',
    maxLagSetting: 'LOCAL_RPC_MAX_LAG_BLOCKS',
  },
})

const uint = (outcome: CallOutcome): bigint => {
  expect(outcome.success).toBe(true)
  return decodeUint256(outcome.returnData)!
}

async function rejection(promise: Promise<unknown>): Promise<AdapterError> {
  try {
    await promise
  } catch (error) {
    expect(error).toBeInstanceOf(AdapterError)
    return error as AdapterError
  }
  throw new Error('expected a rejection')
}

describe('the aggregate3 codec', () => {
  const hex = (maxLength: number) =>
    fc.uint8Array({ maxLength }).map((bytes) => `0x${Buffer.from(bytes).toString('hex')}`)
  const address = fc
    .uint8Array({ minLength: 20, maxLength: 20 })
    .map((b) => `0x${Buffer.from(b).toString('hex')}`)

  it("encodes calls exactly as ethers' ABI coder does", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ to: address, data: hex(100) }), { maxLength: 12 }), (calls) => {
        const reference = multicall3Interface.encodeFunctionData('aggregate3', [
          calls.map((call) => ({ target: call.to, allowFailure: true, callData: call.data })),
        ])
        expect(encodeAggregate3(calls)).toBe(reference)
      }),
    )
  })

  it("decodes results exactly as ethers' ABI coder does", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), hex(100)), { maxLength: 12 }), (results) => {
        const encoded = multicall3Interface.encodeFunctionResult('aggregate3', [results])
        expect(decodeAggregate3({ result: encoded }, results.length)).toEqual(
          results.map(([success, returnData]) => ({ success, returnData })),
        )
        expect(
          decodeAggregate3({ result: encoded.toUpperCase().replace('0X', '0x') }, results.length),
        ).toEqual(results.map(([success, returnData]) => ({ success, returnData })))
        // Another count, or the reply cut short: not Multicall3's answer to these calls.
        expect(decodeAggregate3({ result: encoded }, results.length + 1)).toBeUndefined()
        if (results.length > 0) {
          expect(decodeAggregate3({ result: encoded.slice(0, -64) }, results.length)).toBeUndefined()
        }
      }),
    )
  })

  it("writes a one-address call's data as ethers does", () => {
    fc.assert(
      fc.property(address, (account) => {
        for (const [contract, name] of [
          [erc20, 'balanceOf'],
          [multicall3Interface, 'getEthBalance'],
        ] as const) {
          const selector = contract.getFunction(name)!.selector
          expect(addressCallData(selector, account)).toBe(contract.encodeFunctionData(name, [account]))
        }
      }),
    )
  })

  it("decodes a string[] (a PoRAddressList's batch) exactly as ethers' ABI coder does, and refuses what it refuses", () => {
    const reference = (data: string) => {
      try {
        return [...(porAddressListInterface.decodeFunctionResult('getPoRAddressList', data)[0] as string[])]
      } catch {
        return undefined
      }
    }
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', maxLength: 60 }), { maxLength: 12 }),
        fc.nat(),
        fc.nat(255),
        (strings, at, value) => {
          const encoded = porAddressListInterface.encodeFunctionResult('getPoRAddressList', [strings])
          expect(decodeStringArray(encoded)).toEqual(strings)
          // Cut short by a word, or one byte of it changed (an offset, a length, a character).
          expect(decodeStringArray(encoded.slice(0, -64))).toEqual(reference(encoded.slice(0, -64)))
          const i = 2 + 2 * (at % ((encoded.length - 2) / 2))
          const edited = `${encoded.slice(0, i)}${value.toString(16).padStart(2, '0')}${encoded.slice(i + 2)}`
          expect(decodeStringArray(edited)).toEqual(reference(edited))
        },
      ),
    )
    // Not UTF-8: ethers refuses it too.
    const invalid = `0x${[0x20, 1, 0x20, 2].map((n) => n.toString(16).padStart(64, '0')).join('')}${'ff'.padEnd(64, '0')}`
    expect(reference(invalid)).toBeUndefined()
    expect(decodeStringArray(invalid)).toBeUndefined()
    expect(decodeStringArray('0x')).toBeUndefined()
  })

  it('refuses a reply whose offsets or lengths point outside it, or whose success is not a bool', () => {
    const encoded = multicall3Interface.encodeFunctionResult('aggregate3', [[[true, '0x1234']]]).slice(2)
    const words = encoded.match(/.{64}/g)!
    const edited = (i: number, value: string) =>
      decodeAggregate3(
        { result: `0x${words.map((w, j) => (j === i ? value.padStart(64, '0') : w)).join('')}` },
        1,
      )
    expect(decodeAggregate3({ result: `0x${encoded}` }, 1)).toEqual([{ success: true, returnData: '0x1234' }])
    // words: array offset, length, tuple offset, success, bytes offset, bytes length, data.
    expect(edited(0, 'ff')).toBeUndefined()
    expect(edited(2, '1000')).toBeUndefined()
    expect(edited(3, '2')).toBeUndefined()
    expect(edited(4, '21')).toBeUndefined()
    expect(edited(5, '21')).toBeUndefined()
    expect(edited(5, 'f'.repeat(64))).toBeUndefined()
    expect(decodeAggregate3({ result: '0x' }, 0)).toBeUndefined()
    expect(decodeAggregate3({ error: { code: 3, message: 'execution reverted' } }, 1)).toBeUndefined()
  })
})

describe('resolveEvmNetwork', () => {
  const env = {
    ETHEREUM_RPC_URL: 'https://a.example/v3/key, https://b.example',
    ETHEREUM_RPC_CHAIN_ID: '1',
    ARBITRUM_ONE_RPC_URL: 'https://arb.example',
    ARBITRUM_ONE_RPC_CHAIN_ID: '42161',
    NOCHAIN_RPC_URL: 'https://x.example',
    BADCHAIN_RPC_URL: 'https://x.example',
    BADCHAIN_RPC_CHAIN_ID: '0x1',
    BADURL_RPC_URL: 'https://x.example,wss://y.example',
    BADURL_RPC_CHAIN_ID: '5',
  }

  it('reads <NETWORK>_RPC_URL as a failover list and <NETWORK>_RPC_CHAIN_ID', () => {
    expect(resolveEvmNetwork('ethereum', 'network', env)).toEqual({
      network: 'ethereum',
      urlSetting: 'ETHEREUM_RPC_URL',
      chainIdSetting: 'ETHEREUM_RPC_CHAIN_ID',
      urls: ['https://a.example/v3/key', 'https://b.example'],
      chainId: 1n,
      freshness: {
        maxHeadAgeSeconds: 72,
        maxLagBlocks: 3,
        maxHeadAgeSetting: 'ETHEREUM_RPC_MAX_HEAD_AGE_SECONDS',
        maxLagSetting: 'ETHEREUM_RPC_MAX_LAG_BLOCKS',
      },
    })
  })

  it('maps any network name to its settings, "-" becoming "_"', () => {
    expect(evmSettingNames('arbitrum-one')).toEqual({
      url: 'ARBITRUM_ONE_RPC_URL',
      chainId: 'ARBITRUM_ONE_RPC_CHAIN_ID',
      maxHeadAge: 'ARBITRUM_ONE_RPC_MAX_HEAD_AGE_SECONDS',
      maxLag: 'ARBITRUM_ONE_RPC_MAX_LAG_BLOCKS',
    })
    expect(resolveEvmNetwork('Arbitrum-One', 'network', env).chainId).toBe(42161n)
  })

  /** What resolving `network` throws. */
  const refusal = (network: string): AdapterError => {
    try {
      resolveEvmNetwork(network, 'tokens[0].network', env)
    } catch (error) {
      expect(error).toBeInstanceOf(AdapterError)
      return error as AdapterError
    }
    throw new Error('expected a refusal')
  }

  it.each([
    ['polygon', /network "polygon" is not configured: set POLYGON_RPC_URL and POLYGON_RPC_CHAIN_ID/],
    ['../etc', /is not a network name/],
    ['', /is not a network name/],
  ])('refuses %j, a network this adapter does not serve, with a 400', (network, message) => {
    const error = refusal(network)
    expect(error.statusCode).toBe(400)
    expect(error.message).toMatch(message)
  })

  it.each([
    ['nochain', /^tokens\[0\]\.network: network "nochain" has no chain id: set NOCHAIN_RPC_CHAIN_ID$/],
    ['badchain', /^BADCHAIN_RPC_CHAIN_ID must be a positive decimal integer/],
    ['badurl', /^BADURL_RPC_URL: entry 2 is not an http\(s\) URL$/],
  ])(
    'refuses %j, a network whose settings are incomplete or malformed, with a 500 naming the setting: the request is not at fault',
    (network, message) => {
      const error = refusal(network)
      expect(error.statusCode).toBe(500)
      expect(error.message).toMatch(message)
    },
  )

  it.each([
    ['1', 72, 3],
    ['42161', 60, 120],
    ['8453', 60, 15],
    ['31337', 0, 5],
    ['999999', 300, 5],
  ])(
    'defaults the freshness of chain %s from its block time: a head at most %i s old (0: no limit), at most %i blocks behind',
    (chainId, maxHeadAgeSeconds, maxLagBlocks) => {
      const { freshness } = resolveEvmNetwork('net', 'network', {
        NET_RPC_URL: 'https://x.example',
        NET_RPC_CHAIN_ID: chainId,
      })
      expect(freshness).toMatchObject({ maxHeadAgeSeconds, maxLagBlocks })
      expect(defaultFreshness(BigInt(chainId))).toEqual({ maxHeadAgeSeconds, maxLagBlocks })
    },
  )

  it('knows the development chains (mining on demand) from the one list of known chains', () => {
    expect(DEV_CHAIN_IDS).toEqual([1337, 31337, 31338])
    expect([31337, 31338n, 1337, 1, 8453n, 999999].map((chainId) => isDevChain(chainId))).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ])
  })

  it('reads <NETWORK>_RPC_MAX_HEAD_AGE_SECONDS and <NETWORK>_RPC_MAX_LAG_BLOCKS, 0 included', () => {
    const { freshness } = resolveEvmNetwork('ethereum', 'network', {
      ...env,
      ETHEREUM_RPC_MAX_HEAD_AGE_SECONDS: '0',
      ETHEREUM_RPC_MAX_LAG_BLOCKS: ' 12 ',
    })
    expect(freshness).toMatchObject({ maxHeadAgeSeconds: 0, maxLagBlocks: 12 })
  })

  it.each([
    ['ETHEREUM_RPC_MAX_HEAD_AGE_SECONDS', '-1', 86_400],
    ['ETHEREUM_RPC_MAX_HEAD_AGE_SECONDS', '86401', 86_400],
    ['ETHEREUM_RPC_MAX_LAG_BLOCKS', '2.5', 1_000_000],
  ])('refuses %s=%s with a 500 naming it: the setting is wrong, not the request', (name, value, max) => {
    let error: unknown
    try {
      resolveEvmNetwork('ethereum', 'network', { ...env, [name]: value })
    } catch (e) {
      error = e
    }
    expect(error).toMatchObject({
      statusCode: 500,
      message: `${name} must be an integer from 0 to ${max}, got "${value}"`,
    })
  })

  it('never echoes the URLs (they may hold API keys)', () => {
    expect(() =>
      resolveEvmNetwork('badurl', 'network', { BADURL_RPC_URL: 'https://secret-key@x.example, nope' }),
    ).toThrow(/^BADURL_RPC_URL: entry 2 is not an http\(s\) URL$/)
  })
})

describe('EvmRpcClient on the local chains', () => {
  let providerA: JsonRpcProvider
  let providerB: JsonRpcProvider
  let tokenA: DecimalsToken
  let tokenB: DecimalsToken
  const holders = Array.from({ length: 60 }, () => Wallet.createRandom().address)
  const proxies: FaultProxy[] = []

  const proxy = async (...args: Parameters<typeof startFaultProxy>): Promise<FaultProxy> => {
    const p = await startFaultProxy(...args)
    proxies.push(p)
    return p
  }

  const calls = (token: DecimalsToken): EvmCall[] => {
    const to = token.target as string
    return [
      { to, data: erc20.encodeFunctionData('decimals') },
      { to, data: erc20.encodeFunctionData('totalSupply') },
      ...holders.map((h) => ({ to, data: erc20.encodeFunctionData('balanceOf', [h]) })),
    ]
  }

  /** What ethers reads, one call at a time, at `blockTag`: the reference the client must match. */
  const reference = async (token: DecimalsToken, blockTag: number): Promise<bigint[]> => [
    await token.decimals({ blockTag }),
    await token.totalSupply({ blockTag }),
    ...(await Promise.all(holders.map((h) => token.balanceOf(h, { blockTag })))),
  ]

  beforeAll(async () => {
    providerA = localProvider('A')
    providerB = localProvider('B')
    // Multicall3 visible at the deepest block these tests pin (confirmations 3).
    await ensureMulticall3(providerA, 3)
    const [signerA, signerB] = await Promise.all([fundedSigner(providerA), fundedSigner(providerB)])
    tokenA = await deployDecimalsToken(signerA, 'A', 'A', 6, 5_000_000n)
    tokenB = await deployDecimalsToken(signerB, 'B', 'B', 24, 7n * 10n ** 30n)
    for (const [i, holder] of holders.slice(0, 3).entries()) {
      await (await tokenA.connect(signerA).transfer(holder, 1000n + BigInt(i))).wait()
      await (await tokenB.connect(signerB).transfer(holder, 10n ** 24n + BigInt(i))).wait()
    }
  })

  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()))
  })

  afterAll(() => {
    providerA.destroy()
    providerB.destroy()
  })

  it('reads 62 calls in one round trip with Multicall3 at latest, and says at which block', async () => {
    const counter = await proxy(localChainUrl('A'))
    const client = new EvmRpcClient(settingsFor([counter.url], 31337n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(0, calls(tokenA))
    expect(counter.requests).toHaveLength(1)
    expect(client.requestCount).toBe(1)
    expect(block.method).toBe('multicall3')
    expect(results).toHaveLength(62)
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
    expect(results.map(uint).slice(0, 5)).toEqual([6n, 5_000_000n, 1000n, 1001n, 1002n])
    expect(block.number).toBeLessThanOrEqual(BigInt(await providerA.getBlockNumber()))
  })

  it('with confirmations, pins latest − confirmations and reads there in a second round trip', async () => {
    const counter = await proxy(localChainUrl('A'))
    const client = new EvmRpcClient(settingsFor([counter.url], 31337n), { timeoutMs: 5000 })
    const before = await providerA.getBlockNumber()
    const { block, results } = await client.pin(3, calls(tokenA))
    const after = await providerA.getBlockNumber()
    expect(counter.requests).toHaveLength(2)
    expect(block.method).toBe('multicall3')
    expect(block.number).toBeGreaterThanOrEqual(BigInt(before - 3))
    expect(block.number).toBeLessThanOrEqual(BigInt(after - 3))
    // The pinned block is explicit in the read.
    expect(counter.requests[1]).toContain(`"0x${block.number.toString(16)}"`)
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
  })

  it('without Multicall3 (chain B), sends the reads as one JSON-RPC batch at the pinned block', async () => {
    expect(await providerB.getCode(MULTICALL3_ADDRESS)).toBe('0x')
    const counter = await proxy(localChainUrl('B'))
    const client = new EvmRpcClient(settingsFor([counter.url], 31338n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(0, calls(tokenB))
    expect(block.method).toBe('batch')
    expect(counter.requests).toHaveLength(2)
    const batch = JSON.parse(counter.requests[1]) as { method: string; params: unknown[] }[]
    expect(batch.map((r) => r.method)).toEqual(['eth_chainId', ...Array(62).fill('eth_call')])
    // The block is named by its hash (EIP-1898): only a node holding that very block can answer.
    expect(block.hash).toBe((await providerB.getBlock(Number(block.number)))!.hash)
    expect(batch.slice(1).every((r) => JSON.stringify(r.params[1]) === `{"blockHash":"${block.hash}"}`)).toBe(
      true,
    )
    expect(results.map(uint)).toEqual(await reference(tokenB, Number(block.number)))
  })

  it.each([
    ['A', 31337n, 'multicall3', 1],
    ['A', 31337n, 'multicall3', 3],
    ['B', 31338n, 'batch', 0],
  ] as const)(
    'reads native balances with the calls, at the same block (chain %s, %s, confirmations %d)',
    async (name, chainId, method, confirmations) => {
      const provider = name === 'A' ? providerA : providerB
      const token = name === 'A' ? tokenA : tokenB
      const signer = await fundedSigner(provider)
      const accounts = [Wallet.createRandom().address, Wallet.createRandom().address]
      await (await signer.sendTransaction({ to: accounts[0], value: 10n ** 18n + 1n })).wait()
      await (await signer.sendTransaction({ to: accounts[1], value: 3n })).wait()
      const counter = await proxy(localChainUrl(name))
      const client = new EvmRpcClient(settingsFor([counter.url], chainId), { timeoutMs: 5000 })
      const { block, results } = await client.pin(confirmations, [
        nativeBalanceCall(accounts[0]),
        { to: token.target as string, data: erc20.encodeFunctionData('balanceOf', [holders[0]]) },
        nativeBalanceCall(accounts[1]),
      ])
      expect(block.method).toBe(method)
      const blockTag = Number(block.number)
      expect(results.map(uint)).toEqual([
        await provider.getBalance(accounts[0], blockTag),
        await token.balanceOf(holders[0], { blockTag }),
        await provider.getBalance(accounts[1], blockTag),
      ])
      const sent = counter.requests.map((body) => JSON.parse(body) as { method: string }[]).flat()
      expect(sent.filter((r) => r.method === 'eth_getBalance')).toHaveLength(method === 'batch' ? 2 : 0)
    },
  )

  it.each([
    ['A', 31337n, 'multicall3'],
    ['B', 31338n, 'batch'],
  ] as const)(
    'reads at a pinned block, not at the newer head (chain %s, %s)',
    async (name, chainId, method) => {
      const provider = name === 'A' ? providerA : providerB
      const signer = await fundedSigner(provider)
      const token = await deployDecimalsToken(signer, 'P', 'P', 18, 1n)
      const minted = await (await token.connect(signer).mint(holders[10], 5n)).wait()
      const pinned = { number: BigInt(minted!.blockNumber), hash: minted!.blockHash }
      await (await token.connect(signer).mint(holders[10], 7n)).wait()
      const client = new EvmRpcClient(settingsFor([localChainUrl(name)], chainId), { timeoutMs: 5000 })
      const to = token.target as string
      const read = [
        { to, data: erc20.encodeFunctionData('totalSupply') },
        { to, data: erc20.encodeFunctionData('balanceOf', [holders[10]]) },
      ]
      const atPin = await client.readAt({ ...pinned, method }, read)
      expect(atPin.map(uint)).toEqual([6n, 5n])
      const { results } = await client.pin(0, read)
      expect(results.map(uint)).toEqual([13n, 12n])
    },
  )

  it('returns a reverted call as an outcome, on both paths, without failing over', async () => {
    const counterA = await proxy(localChainUrl('A'))
    const counterB = await proxy(localChainUrl('B'))
    const mint = (token: DecimalsToken) => ({
      to: token.target as string,
      data: token.interface.encodeFunctionData('mint', [holders[0], 1n]),
    })
    for (const [counter, token, chainId] of [
      [counterA, tokenA, 31337n],
      [counterB, tokenB, 31338n],
    ] as const) {
      const client = new EvmRpcClient(settingsFor([counter.url, localChainUrl('A')], chainId), {
        timeoutMs: 5000,
      })
      // mint() from the zero address: onlyOwner reverts.
      const { results } = await client.pin(0, [mint(token), calls(token)[1]])
      expect(results[0].success).toBe(false)
      expect(results[1].success).toBe(true)
      // A revert is an answer: nothing but its head, for comparison, was asked of the second URL.
      expect(client.requestCount).toBe(counter.requests.length + 1)
    }
  })

  it('refuses an RPC on another chain: 502 naming the chain id setting', async () => {
    const client = new EvmRpcClient(settingsFor([localChainUrl('B')], 31337n, 'ethereum'), {
      timeoutMs: 5000,
    })
    const error = await rejection(client.pin(0, calls(tokenA)))
    expect(error.statusCode).toBe(502)
    expect(error.message).toMatch(/^ethereum: no RPC could serve the head of the chain/)
    expect(error.message).toContain('reports chain id 31338, expected 31337 (LOCAL_RPC_CHAIN_ID)')
  })

  it('fails over when the first RPC dies mid-request, and stays on the one that answers', async () => {
    const dying = await proxy(localChainUrl('A'), () => 'destroy')
    const healthy = await proxy(localChainUrl('A'))
    const client = new EvmRpcClient(settingsFor([dying.url, healthy.url], 31337n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(2, calls(tokenA))
    expect(dying.requests).toHaveLength(1)
    expect(dying.forwarded).toBe(0)
    // Its head for comparison, then the head and the read.
    expect(healthy.requests).toHaveLength(3)
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
  })

  it("when the RPC that gave the head fails the read below it, pins again from the next RPC's own head", async () => {
    // The first RPC answers the head, then dies half-way through its answer to the read.
    const flaky = await proxy(localChainUrl('B'), (i) => (i === 0 ? 'forward' : 'destroy-mid-response'))
    const healthy = await proxy(localChainUrl('B'))
    const client = new EvmRpcClient(settingsFor([flaky.url, healthy.url], 31338n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(1, calls(tokenB))
    // The head, the read, then its head for comparison with the second RPC's.
    expect(flaky.requests).toHaveLength(3)
    // Its head for comparison, then its own head and the read below it, with that block's header.
    expect(healthy.requests).toHaveLength(3)
    const read = JSON.parse(healthy.requests[2]) as { method: string; params: unknown[] }[]
    expect(read[1]).toMatchObject({
      method: 'eth_getBlockByNumber',
      params: [`0x${block.number.toString(16)}`, false],
    })
    expect(block.hash).toBe((await providerB.getBlock(Number(block.number)))!.hash)
    expect(results.map(uint)).toEqual(await reference(tokenB, Number(block.number)))
  })

  /**
   * A node on another branch of chain `name` at the heights these tests read: asked for a block
   * by number, it answers with its own branch's state (every call returns 666); it holds none of
   * the chain's blocks by hash ("header for hash not found", as geth says).
   */
  const otherBranch = (name: 'A' | 'B') =>
    proxy(localChainUrl(name), (_i, body) =>
      relayEdited(localChainUrl(name), body, (request, reply) => {
        if (request.method !== 'eth_call') return reply
        const [call, block] = request.params as [{ to: string; data: string }, unknown]
        if (typeof block !== 'string') {
          return {
            jsonrpc: '2.0',
            id: request.id,
            error: { code: -32000, message: 'header for hash not found' },
          }
        }
        const word = `0x${(666).toString(16).padStart(64, '0')}`
        if (call.to !== MULTICALL3_ADDRESS) return { jsonrpc: '2.0', id: request.id, result: word }
        const [inner] = multicall3Interface.decodeFunctionData('aggregate3', call.data) as unknown as [
          unknown[],
        ]
        const results = inner.map(() => [true, word])
        return {
          jsonrpc: '2.0',
          id: request.id,
          result: multicall3Interface.encodeFunctionResult('aggregate3', [results]),
        }
      }),
    )

  it.each([
    ['A', 31337n, 'multicall3'],
    ['B', 31338n, 'batch'],
  ] as const)(
    'never takes a read at the pinned block from a node on another branch after a failover (chain %s, id %s, %s)',
    async (name, chainId, method) => {
      const token = name === 'A' ? tokenA : tokenB
      // The first RPC answers the head (and, on chain A, the first calls with it), then dies.
      const dying = await proxy(localChainUrl(name), (i) => (i === 0 ? 'forward' : 'destroy'))
      const forked = await otherBranch(name)
      const client = new EvmRpcClient(settingsFor([dying.url, forked.url], chainId), { timeoutMs: 5000 })
      // Chain A reads at the head in one round trip, and the rest of the list in a second (as
      // por-address-list does); chain B, without Multicall3, reads in a second round trip at once.
      const read = async () => {
        const { block, results } = await client.pin(0, calls(token).slice(0, 2))
        return name === 'A' ? client.readAt(block, calls(token).slice(2)) : results
      }
      const error = await rejection(read())
      expect(error.statusCode).toBe(502)
      expect(error.message).toMatch(
        new RegExp(
          `^local: no RPC could serve the ${method === 'multicall3' ? 'Multicall3' : 'batch'} read at block \\d+ `,
        ),
      )
      expect(error.message).toContain('eth_call failed: header for hash not found')
    },
  )

  it.each([
    ['A', 31337n],
    ['B', 31338n],
  ] as const)(
    'takes a read at the pinned block, by its hash, from a node on the same chain after a failover (chain %s)',
    async (name, chainId) => {
      const token = name === 'A' ? tokenA : tokenB
      const dying = await proxy(localChainUrl(name), (i) => (i === 0 ? 'forward' : 'destroy'))
      const replica = await proxy(localChainUrl(name))
      const client = new EvmRpcClient(settingsFor([dying.url, replica.url], chainId), { timeoutMs: 5000 })
      const { block, results } = await client.pin(0, calls(token).slice(0, 2))
      const rest = name === 'A' ? await client.readAt(block, calls(token).slice(2)) : []
      expect([...results, ...rest].map(uint)).toEqual(
        (await reference(token, Number(block.number))).slice(0, results.length + rest.length),
      )
      expect(replica.requests.at(-1)).toContain(`{"blockHash":"${block.hash}"}`)
    },
  )

  it('reads the calls again at the head, by its hash, when a block landed between the head and the calls', async () => {
    // The calls at `latest` report they ran one block above the head read in the same batch.
    const racing = await proxy(localChainUrl('A'), (i, body) => {
      if (i !== 0) return 'forward'
      return relayEdited(localChainUrl('A'), body, (request, reply) => {
        if (request.method !== 'eth_call') return reply
        const result = (reply as { result: string }).result
        const [outcomes] = multicall3Interface.decodeFunctionResult('aggregate3', result) as unknown as [
          [boolean, string][],
        ]
        const ranAt = BigInt(outcomes[0][1]) + 1n
        const edited = [[true, `0x${ranAt.toString(16).padStart(64, '0')}`], ...outcomes.slice(1)]
        return {
          ...(reply as object),
          result: multicall3Interface.encodeFunctionResult('aggregate3', [edited]),
        }
      })
    })
    const client = new EvmRpcClient(settingsFor([racing.url], 31337n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(0, calls(tokenA))
    expect(racing.requests).toHaveLength(2)
    const head = JSON.parse(racing.requests[0]) as { method: string; params: unknown[] }[]
    expect(head[1]).toMatchObject({ method: 'eth_getBlockByNumber', params: ['latest', false] })
    expect(racing.requests[1]).toContain(`{"blockHash":"${block.hash}"}`)
    const mined = await providerA.getBlock(Number(block.number))
    expect(block).toMatchObject({ hash: mined!.hash, timestamp: mined!.timestamp, method: 'multicall3' })
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
  })

  it.each([
    ['HTTP 503', { status: 503, body: 'busy' }],
    [
      'a single error instead of a batch',
      {
        status: 200,
        body: '{"jsonrpc":"2.0","id":null,"error":{"code":-32600,"message":"batch not supported"}}',
      },
    ],
    ['malformed JSON', { status: 200, body: '[{"jsonrpc"' }],
    ['a short batch', { status: 200, body: '[{"jsonrpc":"2.0","id":0,"result":"0x7a6a"}]' }],
  ])('fails over on %s', async (_label, answer) => {
    const bad = await proxy(localChainUrl('B'), () => answer)
    const client = new EvmRpcClient(settingsFor([bad.url, localChainUrl('B')], 31338n), { timeoutMs: 5000 })
    const { results } = await client.pin(0, calls(tokenB))
    expect(bad.requests).toHaveLength(1)
    expect(results.map(uint)[0]).toBe(24n)
  })

  it('fails over when a node cannot serve the pinned block (a node-side error, not a revert)', async () => {
    const pruned = await proxy(localChainUrl('B'), (i, body) => {
      if (i === 0) return 'forward'
      const batch = JSON.parse(body) as { id: number }[]
      const replies = batch.map(({ id }) =>
        id === 0
          ? { jsonrpc: '2.0', id, result: '0x7a6a' }
          : { jsonrpc: '2.0', id, error: { code: -32000, message: 'missing trie node' } },
      )
      return { status: 200, body: JSON.stringify(replies) }
    })
    const client = new EvmRpcClient(settingsFor([pruned.url, localChainUrl('B')], 31338n), {
      timeoutMs: 5000,
    })
    const { results } = await client.pin(1, calls(tokenB))
    // The head, the read it cannot serve, then its head for comparison with the next RPC's.
    expect(pruned.requests).toHaveLength(3)
    expect(results.map(uint)[0]).toBe(24n)
  })

  it('falls back to a JSON-RPC batch when Multicall3 answers nothing at the pinned block', async () => {
    // Multicall3 deployed after the pinned block: eth_call to it there returns 0x.
    const noCodeThen = await proxy(localChainUrl('A'), (i, body) => {
      if (i !== 1) return 'forward'
      return relayEdited(localChainUrl('A'), body, (request, reply) =>
        request.method === 'eth_call' ? { jsonrpc: '2.0', id: request.id, result: '0x' } : reply,
      )
    })
    const client = new EvmRpcClient(settingsFor([noCodeThen.url], 31337n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(1, calls(tokenA))
    expect(noCodeThen.requests).toHaveLength(3)
    expect(block.method).toBe('batch')
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
  })

  it('reads call by call when aggregate3 itself runs out of gas, without failing over', async () => {
    const outOfGas = await proxy(localChainUrl('A'), (i, body) => {
      if (i !== 1) return 'forward'
      return relayEdited(localChainUrl('A'), body, (request, reply) =>
        request.method === 'eth_call'
          ? { jsonrpc: '2.0', id: request.id, error: { code: -32000, message: 'out of gas' } }
          : reply,
      )
    })
    const other = await proxy(localChainUrl('A'))
    const client = new EvmRpcClient(settingsFor([outOfGas.url, other.url], 31337n), { timeoutMs: 5000 })
    const { block, results } = await client.pin(1, calls(tokenA))
    expect(outOfGas.requests).toHaveLength(3)
    // Asked for its head, for comparison, and nothing else.
    expect(other.requests).toHaveLength(1)
    expect(block.method).toBe('batch')
    expect(results.map(uint)).toEqual(await reference(tokenA, Number(block.number)))
  })

  it('fails with a 502 naming the network and each URL when no RPC answers', async () => {
    const dying = await proxy(localChainUrl('A'), () => 'destroy')
    const client = new EvmRpcClient(
      { ...settingsFor([dying.url, await deadUrl()], 31337n, 'base'), urlSetting: 'BASE_RPC_URL' },
      { timeoutMs: 5000 },
    )
    const error = await rejection(client.pin(0, calls(tokenA)))
    expect(error.statusCode).toBe(502)
    expect(error.message).toMatch(
      /^base: no RPC could serve the head of the chain \(BASE_RPC_URL #1 \(127\.0\.0\.1:\d+\): .+; BASE_RPC_URL #2 \(127\.0\.0\.1:\d+\): .*ECONNREFUSED/,
    )
  })

  it('refuses an eth_getLogs answer that gives a log twice: a sum of the logs would count it twice', async () => {
    const { block } = await new EvmRpcClient(settingsFor([localChainUrl('A')], 31337n), {
      timeoutMs: 5000,
    }).pin(0, [])
    const filter = {
      address: tokenA.target as string,
      topics: [id('Transfer(address,address,uint256)')],
      fromBlock: 0n,
      blockRange: 1_000_000,
    }
    const direct = new EvmRpcClient(settingsFor([localChainUrl('A')], 31337n), { timeoutMs: 5000 })
    const logs = await direct.logsUpTo(block, filter)
    // The mint and the three transfers to holders.
    expect(logs).toHaveLength(4)

    const repeating = await proxy(localChainUrl('A'), (_i, body) =>
      relayEdited(localChainUrl('A'), body, (request, reply) => {
        const answer = reply as { result?: unknown[] }
        if (request.method !== 'eth_getLogs' || !Array.isArray(answer.result)) return reply
        return { ...answer, result: [...answer.result, answer.result.at(-1)] }
      }),
    )
    const client = new EvmRpcClient(settingsFor([repeating.url], 31337n), { timeoutMs: 5000 })
    const error = await rejection(client.logsUpTo(block, filter))
    expect(error.statusCode).toBe(502)
    expect(error.message).toMatch(
      /^local: eth_getLogs\(0x[0-9a-f]{40}, blocks 0 to \d+\) answered log \d+ of block \d+ twice$/,
    )
  })

  it('refuses a log read needing more eth_getLogs queries than its bound, before asking any: a 502 naming the setting', async () => {
    const { block } = await new EvmRpcClient(settingsFor([localChainUrl('A')], 31337n), {
      timeoutMs: 5000,
    }).pin(0, [])
    let asked = 0
    const counting = await proxy(localChainUrl('A'), (_i, body) => {
      if (body.includes('eth_getLogs')) asked += 1
      return 'forward' as const
    })
    const client = new EvmRpcClient(settingsFor([counting.url], 31337n), { timeoutMs: 5000 })
    const filter = {
      address: tokenA.target as string,
      topics: [id('Transfer(address,address,uint256)')],
      fromBlock: 0n,
      blockRange: 1,
      maxQueries: 3,
    }
    const error = await rejection(client.logsUpTo(block, filter))
    expect(error.statusCode).toBe(502)
    expect(error.message).toBe(
      `local: the logs of ${filter.address} from block 0 to ${block.number} need ${block.number + 1n} ` +
        'eth_getLogs queries of 1 blocks, more than the 3 one read makes: raise LOCAL_RPC_LOG_BLOCK_RANGE as far ' +
        'as the RPC allows',
    )
    expect(asked).toBe(0)
    // Within the bound, the same read is served.
    expect(await client.logsUpTo(block, { ...filter, blockRange: 1_000_000 })).toHaveLength(4)
  })

  it('times out a silent RPC and fails over', async () => {
    const silent = await proxy(localChainUrl('A'), () => new Promise(() => undefined))
    const client = new EvmRpcClient(settingsFor([silent.url, localChainUrl('A')], 31337n), { timeoutMs: 300 })
    const { results } = await client.pin(0, calls(tokenA))
    expect(results.map(uint)[0]).toBe(6n)
  })

  it('refuses more confirmations than the chain has blocks', async () => {
    const client = new EvmRpcClient(settingsFor([localChainUrl('A')], 31337n, 'local'), { timeoutMs: 5000 })
    const error = await rejection(client.pin(1_000_000_000, calls(tokenA)))
    expect(error.statusCode).toBe(502)
    expect(error.message).toMatch(/^local: the chain is at block \d+, short of 1000000000 confirmations$/)
  })
})

describe('a fresh head only', () => {
  let providerA: JsonRpcProvider
  let token: DecimalsToken
  const proxies: FaultProxy[] = []
  const keep = (p: FaultProxy) => {
    proxies.push(p)
    return p
  }
  const supplyCall = (): EvmCall[] => [
    { to: token.target as string, data: erc20.encodeFunctionData('totalSupply') },
  ]
  /** Only the head comparison (a batch asking eth_blockNumber) is answered; anything else dies. */
  const headOnly = (_i: number, body: string): ProxyAction =>
    body.includes('"eth_blockNumber"') ? 'forward' : 'destroy'

  beforeAll(async () => {
    providerA = localProvider('A')
    await ensureMulticall3(providerA, 1)
    const signer = await fundedSigner(providerA)
    token = await deployDecimalsToken(signer, 'F', 'F', 6, 1_000n)
    // Blocks for a node 10 behind to lag over: it must not be behind the token's deployment.
    for (let i = 0; i < 10; i++)
      await (await token.connect(signer).mint(await signer.getAddress(), 1n)).wait()
    // A block on chain B too, to read at one below the head.
    const providerB = localProvider('B')
    const signerB = await fundedSigner(providerB)
    await (await signerB.sendTransaction({ to: await signerB.getAddress(), value: 0n })).wait()
    providerB.destroy()
  })
  afterEach(async () => {
    jest.restoreAllMocks()
    await Promise.all(proxies.splice(0).map((p) => p.close()))
  })
  afterAll(() => providerA.destroy())

  it('passes over a URL whose head is more than maxLagBlocks behind another URL, and reads the chain as it is', async () => {
    const lagging = keep(await startLaggingRpc(localChainUrl('A'), { behind: 10 }))
    const client = new EvmRpcClient(
      settingsFor([lagging.url, localChainUrl('A')], 31337n, 'local', { maxLagBlocks: 3 }),
      { timeoutMs: 5000 },
    )
    const before = await providerA.getBlockNumber()
    const { block, results } = await client.pin(0, supplyCall())
    expect(block.number).toBeGreaterThanOrEqual(BigInt(before))
    expect(results.map(uint)).toEqual([1_010n])
    expect(lagging.requests).toHaveLength(1)
  })

  it('answers 502 naming the lag and the setting when no URL within maxLagBlocks can serve the read', async () => {
    const lagging = keep(await startLaggingRpc(localChainUrl('A'), { behind: 10 }))
    const aheadButDown = keep(await startFaultProxy(localChainUrl('A'), headOnly))
    const client = new EvmRpcClient(
      settingsFor([lagging.url, aheadButDown.url], 31337n, 'local', { maxLagBlocks: 3 }),
      { timeoutMs: 5000 },
    )
    const error = await rejection(client.pin(0, supplyCall()))
    expect(error.statusCode).toBe(502)
    expect(error.message).toMatch(
      /^local: no RPC could serve the head of the chain \(LOCAL_RPC_URL #1 \(127\.0\.0\.1:\d+\): its head, block \d+, is \d+ blocks behind another URL's \(\d+\), more than LOCAL_RPC_MAX_LAG_BLOCKS \(3\); LOCAL_RPC_URL #2 /,
    )
  })

  it('refuses a head older than maxHeadAgeSeconds by the clock, naming the block, its age and the setting', async () => {
    const head = await providerA.getBlock('latest')
    const stuck = keep(await startLaggingRpc(localChainUrl('A'), { stuckAt: head!.number }))
    const client = () =>
      new EvmRpcClient(settingsFor([stuck.url], 31337n, 'local', { maxHeadAgeSeconds: 60 }), {
        timeoutMs: 5000,
      })
    const clock = jest.spyOn(Date, 'now')
    clock.mockReturnValue((head!.timestamp + 60) * 1000)
    expect((await client().pin(0, supplyCall())).block).toMatchObject({
      number: BigInt(head!.number),
      timestamp: head!.timestamp,
    })
    clock.mockReturnValue((head!.timestamp + 61) * 1000)
    const error = await rejection(client().pin(0, supplyCall()))
    expect([error.statusCode, error.message]).toEqual([
      502,
      expect.stringContaining(
        `its head, block ${head!.number} of ${new Date(head!.timestamp * 1000).toISOString()}, is 61 s old, more than LOCAL_RPC_MAX_HEAD_AGE_SECONDS (60)`,
      ),
    ])
  })

  it.each([
    ['A', 31337n, 0],
    ['A', 31337n, 1],
    ['B', 31338n, 0],
    ['B', 31338n, 1],
  ] as const)(
    'reports the timestamp of the block it read at (chain %s, id %s, confirmations %i)',
    async (name, chainId, confirmations) => {
      const client = new EvmRpcClient(settingsFor([localChainUrl(name)], chainId), { timeoutMs: 5000 })
      const { block } = await client.pin(confirmations, [{ to: MULTICALL3_ADDRESS, data: '0x' }])
      const mined = await localProvider(name).getBlock(Number(block.number))
      expect(block.timestamp).toBe(mined!.timestamp)
    },
  )
})

describe('a block height that cannot be true', () => {
  it.each(['0x20000000000001', '0xffffffffffffffffffff'])(
    'refuses a chain head of %s (above 2^53: not an exact integer in JSON), naming it',
    async (head) => {
      const rpc = await startFaultProxy('http://127.0.0.1:1', (_i, body) => ({
        status: 200,
        body: JSON.stringify(
          (JSON.parse(body) as { id: number; method: string }[]).map(({ id, method }) => ({
            jsonrpc: '2.0',
            id,
            result:
              method === 'eth_chainId'
                ? '0x1'
                : method === 'eth_getBlockByNumber'
                  ? { number: head, timestamp: `0x${Math.floor(Date.now() / 1000).toString(16)}` }
                  : '0x',
          })),
        ),
      }))
      try {
        const client = new EvmRpcClient(settingsFor([rpc.url], 1n), { timeoutMs: 2_000 })
        const error = await rejection(client.pin(0))
        expect([error.statusCode, error.message]).toEqual([
          502,
          expect.stringContaining(BigInt(head).toString()),
        ])
      } finally {
        await rpc.close()
      }
    },
  )
})
