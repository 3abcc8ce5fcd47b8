import { AbiCoder } from 'ethers'
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { startFaultProxy, type FaultProxy } from '#devkit/fault-proxy'
import { resolveEvmNetwork } from '#common/evm-rpc'
import { checkRequest } from '../../src/endpoint/address-request'
import { porAddressListInterface } from '#chain/abi'
import { readAddressList } from '../../src/provider/address-list'
import type { AddressRequestParams } from '../../src/endpoint/address'

const LIST = '0x203E97aa6eB65A1A02d9E80083414058303f241E'
const env = { ETHEREUM_RPC_URL: 'https://eth.example', ETHEREUM_RPC_CHAIN_ID: '1' }
const limits = { maxAddresses: 100, maxBatchSize: 50 }

describe('checkRequest', () => {
  const params = (overrides: Partial<AddressRequestParams> = {}): AddressRequestParams => ({
    contractAddress: LIST.toLowerCase(),
    contractAddressNetwork: 'ethereum',
    network: 'bitcoin',
    chainId: 'mainnet',
    batchSize: 100,
    confirmations: 0,
    ...overrides,
  })

  it('resolves the network and checksums the contract address', () => {
    const request = checkRequest(params({ batchSize: 50 }), limits, env)
    expect(request).toMatchObject({
      contractAddress: LIST,
      network: 'bitcoin',
      chainId: 'mainnet',
      batchSize: 50,
    })
    expect(request.settings).toMatchObject({ urlSetting: 'ETHEREUM_RPC_URL', chainId: 1n })
  })

  it.each([
    [{ batchSize: 51 }, 'batchSize: must be an integer from 1 to 50 (MAX_BATCH_SIZE), got 51'],
    [{ batchSize: 2.5 }, 'batchSize: must be an integer from 1 to 50 (MAX_BATCH_SIZE), got 2.5'],
    [{ confirmations: 0.5 }, 'confirmations: must be a non-negative integer, got 0.5'],
    [{ network: '' }, 'network: "" is not a name: letters, digits, "-" and "_", at most 64'],
    [
      { contractAddress: '0x203e97aa6eB65A1A02d9E80083414058303f241E' },
      'contractAddress: 0x203e97aa6eB65A1A02d9E80083414058303f241E fails its EIP-55 checksum (mixed case must be checksummed)',
    ],
    [
      { contractAddressNetwork: 'base' },
      'contractAddressNetwork: network "base" is not configured: set BASE_RPC_URL and BASE_RPC_CHAIN_ID',
    ],
    // Stamped on every address of the list: 65 characters over 10,000 addresses is 650 kB of answer.
    [
      { network: 'b'.repeat(65) },
      `network: "${'b'.repeat(65)}" is not a name: letters, digits, "-" and "_", at most 64`,
    ],
    [{ chainId: 'main net' }, 'chainId: "main net" is not a name: letters, digits, "-" and "_", at most 64'],
  ])('refuses %j with a 400', (overrides, message) => {
    let error: unknown
    try {
      checkRequest(params({ batchSize: 10, ...overrides }), limits, env)
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AdapterError)
    expect((error as AdapterError).statusCode).toBe(400)
    expect((error as AdapterError).message).toBe(message)
  })
})

/**
 * A simulated chain without Multicall3 holding a list contract, served as JSON-RPC batches:
 * `list` answers getPoRAddressList(start, end) (end inclusive, clamped), `tamper` may alter it.
 */
describe('readAddressList against a simulated RPC', () => {
  let rpc: FaultProxy
  const calls: [number, number][] = []
  let stored: string[] = []
  let tamper: (batch: string[]) => string[] = (batch) => batch

  const answer = (request: { id: number; method: string; params: unknown[] }) => {
    const reply = (result: string) => ({ jsonrpc: '2.0', id: request.id, result })
    if (request.method === 'eth_chainId') return reply('0x1')
    if (request.method === 'eth_getBlockByNumber') {
      // Block 100, made now: a fresh head.
      const timestamp = `0x${Math.floor(Date.now() / 1000).toString(16)}`
      const hash = `0x${'64'.padStart(64, '0')}`
      return { jsonrpc: '2.0', id: request.id, result: { number: '0x64', hash, timestamp } }
    }
    if (request.method === 'eth_getCode') return reply('0x')
    const { data } = request.params[0] as { data: string }
    const call = porAddressListInterface.parseTransaction({ data })
    // Multicall3 (not deployed here): calling an address without code returns nothing.
    if (!call) return reply('0x')
    if (call.name === 'getPoRAddressListLength') {
      return reply(AbiCoder.defaultAbiCoder().encode(['uint256'], [stored.length]))
    }
    const [start, end] = call.args.map(Number)
    calls.push([start, end])
    const batch = tamper(stored.slice(start, Math.min(end, stored.length - 1) + 1))
    return reply(AbiCoder.defaultAbiCoder().encode(['string[]'], [batch]))
  }

  beforeAll(async () => {
    rpc = await startFaultProxy('http://127.0.0.1:1', (_i, body) => ({
      status: 200,
      body: JSON.stringify((JSON.parse(body) as Parameters<typeof answer>[0][]).map(answer)),
    }))
  })
  afterAll(() => rpc.close())
  beforeEach(() => {
    calls.length = 0
    tamper = (batch) => batch
  })

  const read = (batchSize: number) => {
    const request: Parameters<typeof readAddressList>[0] = {
      settings: resolveEvmNetwork('sim', 'network', { SIM_RPC_URL: rpc.url, SIM_RPC_CHAIN_ID: '1' }),
      contractAddress: LIST,
      network: 'bitcoin',
      chainId: 'mainnet',
      batchSize,
      confirmations: 0,
    }
    return readAddressList(request, { timeoutMs: 2000, maxAddresses: 1000 })
  }

  it.each([
    [
      7,
      3,
      [
        [0, 2],
        [3, 5],
        [6, 6],
      ],
    ],
    [
      6,
      3,
      [
        [0, 2],
        [3, 5],
      ],
    ],
    [2, 100, [[0, 99]]],
    [0, 10, [[0, 9]]],
    [
      5,
      1,
      [
        [0, 0],
        [1, 1],
        [2, 2],
        [3, 3],
        [4, 4],
      ],
    ],
  ])(
    'a %i-address list in batches of %i reads inclusive ranges %j, at block 100',
    async (n, size, ranges) => {
      stored = Array.from({ length: n }, (_, i) => `addr-${i}`)
      const list = await read(size)
      expect(calls).toEqual(ranges)
      expect(list.addresses.map((a) => a.address)).toEqual(stored)
      expect(list.blockNumber).toBe(100)
      expect(list.readVia).toBe('batch')
    },
  )

  it('refuses a batch with fewer addresses than asked for: 502, never a shorter list', async () => {
    stored = Array.from({ length: 5 }, (_, i) => `addr-${i}`)
    tamper = (batch) => batch.slice(1)
    await expect(read(2)).rejects.toMatchObject({
      statusCode: 502,
      message: `sim: address list ${LIST} at block 100: getPoRAddressList(0, 1) returned 1 addresses, expected 2`,
    })
  })
})
