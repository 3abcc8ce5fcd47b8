import { jest } from '@jest/globals'
import { resolve } from 'node:path'
import { seededAddress } from '#devkit/bitcoin-address'
import nock from 'nock'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { useFixtures, withFixture } from '#devkit/fixtures'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { deployPoRAddressList, type PoRAddressList } from '#chain/contracts'
import { fundedSigner, localChainUrl, localProvider } from '#devkit/local-chain'
import { makeAdapter as makeAddressListAdapter } from '#adapters/por-address-list/src/index'
import { makeAdapter as makeBtcBalanceAdapter } from '#adapters/btc-balance/src/index'

/**
 * A node job chaining two bridges: `por-address-list` reads the custodian addresses from a
 * PoRAddressList contract on local chain A; its `data.result` is parsed out and templated into
 * `btc-balance`'s request, which sums the addresses' bitcoin on Esplora responses replayed from
 * fixtures/custodian-reserves.json (hand-written to Esplora's wire format; tip 871234).
 *
 *   list    [type="bridge" name="por-address-list" requestData="{\"data\": {...}}"]
 *   parse   [type="jsonparse" path="data,result"]
 *   balance [type="bridge" name="btc-balance" requestData="{\"data\": {\"addresses\": $(parse), \"minConfirmations\": 6}}"]
 *   result  [type="jsonparse" path="data,result"]
 */
useFixtures(resolve(import.meta.dirname, 'fixtures'))
/** Esplora is replayed (lockdown: no other host is reachable); the local chains are real. */
const allowLocalChains = () => nock.enableNetConnect((host) => host.startsWith('127.0.0.1:'))
allowLocalChains()

// The valid mainnet P2WPKH addresses the fixture uses.
const RESERVE_1 = seededAddress('reserve-1') // 100 BTC, all with ≥ 6 confirmations
const RESERVE_2 = seededAddress('reserve-2') // 200 BTC with ≥ 6 confirmations, + 50 BTC with 3
const RESERVE_3 = seededAddress('reserve-3') // empty

/** What a bridge task does: POST the request data as written, fail on anything but a 200. */
async function bridge(adapter: TestAdapter, requestData: string): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const response = await adapter.api.inject({
      method: 'POST',
      url: '/',
      headers: { 'content-type': 'application/json' },
      payload: requestData,
    })
    // 504: the adapter has registered the request and is still computing it (the node would
    // fail this run and succeed on the next one).
    if (response.statusCode === 504) continue
    if (response.statusCode !== 200) {
      throw new Error(`bridge answered ${response.statusCode}: ${response.body}`)
    }
    return response.body
  }
  throw new Error('bridge never answered')
}

/** What a jsonparse task does: follow a comma-separated path. */
function jsonparse(text: string, path: string): unknown {
  return path
    .split(',')
    .reduce<unknown>((value, key) => (value as Record<string, unknown>)[key], JSON.parse(text))
}

describe('por-address-list piped into btc-balance', () => {
  let addressList: TestAdapter
  let btcBalance: TestAdapter
  let list: PoRAddressList
  let done: () => void

  beforeAll(async () => {
    const provider = localProvider('A')
    const signer = await fundedSigner(provider)
    list = await deployPoRAddressList(signer, await signer.getAddress(), [RESERVE_1, RESERVE_2, RESERVE_3])
    provider.destroy()
    addressList = await startTestAdapter(makeAddressListAdapter(), {
      CUSTODY_LIST_RPC_URL: localChainUrl('A'),
      CUSTODY_LIST_RPC_CHAIN_ID: '31337',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
    btcBalance = await startTestAdapter(makeBtcBalanceAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: 'https://blockstream.info/api',
      // The recorded tip is from November 2024: no age limit for a replay (the rule has its own tests).
      BITCOIN_MAINNET_ESPLORA_MAX_TIP_AGE_SECONDS: '0',
      ESPLORA_RETRIES: '0',
      BACKGROUND_EXECUTE_MS_HTTP: '50',
    })
  })

  beforeEach(async () => {
    done = await withFixture('custodian-reserves', { replayOnly: true })
    allowLocalChains()
  })
  afterEach(() => done())

  afterAll(async () => {
    await stopTestAdapter(addressList)
    await stopTestAdapter(btcBalance)
  })

  const listRequest = (batchSize: number) =>
    JSON.stringify({
      id: 'job-run-1',
      data: {
        contractAddress: list.target,
        contractAddressNetwork: 'custody-list',
        network: 'bitcoin',
        chainId: 'mainnet',
        batchSize,
        confirmations: 0,
      },
    })

  it('sums the bitcoin held at the addresses published on-chain, at 6 confirmations', async () => {
    const listed = await bridge(addressList, listRequest(2))
    const parse = jsonparse(listed, 'data,result')
    expect(parse).toEqual(
      [RESERVE_1, RESERVE_2, RESERVE_3].map((address) => ({
        address,
        network: 'bitcoin',
        chainId: 'mainnet',
      })),
    )

    // The node interpolates $(parse) as JSON into the next bridge's request data.
    const balanced = await bridge(
      btcBalance,
      `{"id": "job-run-1", "data": {"addresses": ${JSON.stringify(parse)}, "minConfirmations": 6}}`,
    )
    // 100 BTC + 200 BTC (the 50 BTC with 3 confirmations does not count) + 0.
    expect(jsonparse(balanced, 'data,result')).toBe('30000000000')
    const body = JSON.parse(balanced)
    expect(body.result).toBe('30000000000')
    expect(body.data).toMatchObject({
      decimals: 8,
      height: 871229,
      tipHeight: 871234,
      addressCount: 3,
      balances: [
        { address: RESERVE_1, balance: '10000000000' },
        { address: RESERVE_2, balance: '20000000000' },
        { address: RESERVE_3, balance: '0' },
      ],
    })
    expect({ ...body, timestamps: '<timestamps>' }).toMatchSnapshot()
  })

  it('takes the list through the `result` alias too, as posted straight from the first bridge', async () => {
    const listed = JSON.parse(await bridge(addressList, listRequest(100)))
    const balanced = await bridge(
      btcBalance,
      JSON.stringify({ data: { result: listed.data.result, minConfirmations: 3 } }),
    )
    // At 3 confirmations the 50 BTC received at 871232 counts.
    expect(jsonparse(balanced, 'data,result')).toBe('35000000000')
  })

  it('keeps answering the mainnet job with its own list after a caller asks for it spelled MAINNET', async () => {
    const job = () => bridge(addressList, listRequest(2))
    await job()
    const respelled = JSON.parse(listRequest(2))
    respelled.data = { ...respelled.data, network: 'BITCOIN', chainId: 'MAINNET' }
    await bridge(addressList, JSON.stringify(respelled))
    // Give the background loop time to compute whatever the respelled request registered.
    const transport = addressList.adapter.endpoints[0].transportRoutes.get('default_single_transport')!
    const ticks = jest.spyOn(
      transport as unknown as { backgroundHandler: () => Promise<void> },
      'backgroundHandler',
    )
    while (ticks.mock.calls.length < 20) await new Promise((resolve) => setTimeout(resolve, 20))
    ticks.mockRestore()

    const listed = jsonparse(await job(), 'data,result') as { chainId: string; network: string }[]
    expect(listed.map((entry) => [entry.network, entry.chainId])).toEqual([
      ['bitcoin', 'mainnet'],
      ['bitcoin', 'mainnet'],
      ['bitcoin', 'mainnet'],
    ])
    const balanced = await bridge(
      btcBalance,
      `{"id": "job-run-2", "data": {"addresses": ${JSON.stringify(listed)}, "minConfirmations": 6}}`,
    )
    expect(jsonparse(balanced, 'data,result')).toBe('30000000000')
  })
})
