import { jest } from '@jest/globals'
import { resolve } from 'node:path'
import nock from 'nock'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { advanceClock, resetClock } from '#devkit/clock'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { fixtureRecording, useFixtures, withFixture } from '#devkit/fixtures'
import { makeAdapter } from '../../src'

/**
 * Replays Esplora answers in fixtures/. `mainnet-custodian.json` is written by hand in
 * Blockstream's wire format, to hold what a live ledger cannot be made to show on demand (a
 * payment with 3 confirmations, a spend in the mempool): it is always replayed. `recorded.json`
 * is what a recording of a live Esplora holds (committed as an example in the same format, until
 * recorded from the live API), and is recorded again by
 *   NOCK_BACK_MODE=update npm run test:adapter -- btc-balance
 * (see the README: the Esplora URL and the addresses come from the environment, or default to
 * Blockstream's API and the addresses below).
 */
useFixtures(resolve(import.meta.dirname, 'fixtures'))

const BLOCKSTREAM = 'https://blockstream.info/api'
const MEMPOOL = 'https://mempool.space/api'
const A = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh'
const B = '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy'
const mainnet = (address: string) => ({ address, network: 'bitcoin', chainId: 'mainnet' })

const env = (urls: string) => ({
  BITCOIN_MAINNET_ESPLORA_URL: urls,
  BITCOIN_TESTNET_ESPLORA_URL: undefined,
  ESPLORA_RETRIES: '1',
  ESPLORA_RETRY_BACKOFF_MS: '1',
  BACKGROUND_EXECUTE_MS_HTTP: '50',
})

/** The response minus timestamps, which differ on every run. */
const stable = (json: Record<string, unknown>) => ({ ...json, timestamps: expect.any(Object) })

/** The tip of mainnet-custodian.json, block 871234: its hash and time (2024-11-21T06:40:00Z). */
const TIP_HASH = '00000000000000000001b2c4d6e8f0a1b2c4d6e8f0a1b2c4d6e8f0a1b2c4d6e8'
const TIP_TIME = 1_732_171_200

// The clock stands 5 minutes after the tip of mainnet-custodian.json was mined: the tip is fresh
// then, and would be far too old by now (the recording below holds the clock at its own instant).
beforeAll(() => advanceClock((TIP_TIME + 300) * 1000 - Date.now()))
afterAll(() => resetClock())

describe('btc-balance adapter', () => {
  let testAdapter: TestAdapter
  let done: () => void

  beforeAll(async () => {
    testAdapter = await startTestAdapter(makeAdapter(), env(BLOCKSTREAM))
  })
  beforeEach(async () => {
    done = await withFixture('mainnet-custodian', { replayOnly: true })
  })
  afterEach(() => done())
  afterAll(() => stopTestAdapter(testAdapter))

  it('sums the balances at tip − minConfirmations + 1', async () => {
    const response = await testAdapter.request({
      addresses: [mainnet(A), mainnet(B), mainnet(A.toUpperCase())],
      minConfirmations: 6,
    })
    expect(response.statusCode).toBe(200)
    const json = response.json()
    // A: 10,000,000,000 at the tip less a 50,000,000 payment with 3 confirmations;
    // B: 250,000,000 whose spend is still in the mempool.
    expect(json.result).toBe('10200000000')
    expect(json.data).toMatchObject({
      result: '10200000000',
      decimals: 8,
      height: 871229,
      tipHeight: 871234,
      tipHash: TIP_HASH,
      tipTimestamp: TIP_TIME,
      duplicates: [A],
      addressCount: 2,
    })
    expect(json.timestamps.providerDataReceivedUnixMs).toEqual(expect.any(Number))
    // The time the figure is true at, as the provider says: the tip block's.
    expect(json.timestamps.providerIndicatedTimeUnixMs).toBe(TIP_TIME * 1000)
    expect(json).toMatchSnapshot(stable(json))
  })

  it('takes the address list from `result`, as piped from an address-list adapter', async () => {
    const response = await testAdapter.request({ result: [mainnet(A), mainnet(B)], minConfirmations: 3 })
    expect(response.statusCode).toBe(200)
    expect(response.json().result).toBe('10250000000')
  })

  it('defaults to 6 confirmations', async () => {
    const response = await testAdapter.request({ addresses: [mainnet(A), mainnet(B)] })
    expect(response.json().data).toMatchObject({ result: '10200000000', minConfirmations: 6, height: 871229 })
  })

  it('reads the current balance, mempool included, at minConfirmations 0', async () => {
    const response = await testAdapter.request({ addresses: [mainnet(A), mainnet(B)], minConfirmations: 0 })
    expect(response.statusCode).toBe(200)
    expect(response.json().data).toMatchObject({ result: '10000000000', height: 871234 })
  })

  it('answers 400 naming a bad address', async () => {
    const response = await testAdapter.request({ addresses: [mainnet(A), mainnet(`${B.slice(0, -1)}z`)] })
    expect(response.statusCode).toBe(400)
    expect(response.json()).toMatchSnapshot()
  })

  it('answers 400 naming the missing setting for an unconfigured chain', async () => {
    const response = await testAdapter.request({
      addresses: [
        { address: 'tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx', network: 'bitcoin', chainId: 'testnet' },
      ],
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().error.message).toContain('BITCOIN_TESTNET_ESPLORA_URL is not set')
  })

  it('answers 400 for an empty list and a negative minConfirmations', async () => {
    expect((await testAdapter.request({ addresses: [] })).statusCode).toBe(400)
    const negative = await testAdapter.request({ addresses: [mainnet(A)], minConfirmations: -1 })
    expect(negative.statusCode).toBe(400)
    expect(negative.json().error.message).toContain('minConfirmations')
  })
})

describe('btc-balance adapter with failing providers', () => {
  // Failures cannot be recorded on demand, so these replies are written here, in the providers' formats.
  const statsOfA =
    `{"address":"${A}","chain_stats":{"funded_txo_count":14,"funded_txo_sum":12345678901,"spent_txo_count":9,` +
    `"spent_txo_sum":2345678901,"tx_count":21},"mempool_stats":{"funded_txo_count":0,"funded_txo_sum":0,` +
    `"spent_txo_count":0,"spent_txo_sum":0,"tx_count":0}}`
  const tipBlock = `{"id":"${TIP_HASH}","height":871234,"timestamp":${TIP_TIME}}`
  let testAdapter: TestAdapter

  beforeAll(async () => {
    testAdapter = await startTestAdapter(makeAdapter(), env(`${BLOCKSTREAM},${MEMPOOL}`))
  })
  afterEach(() => nock.cleanAll())
  afterAll(() => stopTestAdapter(testAdapter))

  it('fails over to the next URL', async () => {
    const blockstream = nock('https://blockstream.info').get(/.*/).reply(503, 'Service Unavailable').persist()
    const mempool = nock('https://mempool.space')
      .get('/api/blocks/tip/height')
      .reply(200, '871234')
      .get('/api/blocks/tip/hash')
      .reply(200, TIP_HASH)
      .get(`/api/block/${TIP_HASH}`)
      .reply(200, tipBlock)
      .get(`/api/address/${A}`)
      .reply(200, statsOfA)
    const response = await testAdapter.request({ addresses: [mainnet(A)], minConfirmations: 0 })
    expect(response.statusCode).toBe(200)
    expect(response.json().result).toBe('10000000000')
    expect(mempool.isDone()).toBe(true)
    expect(blockstream.isDone()).toBe(true)
  })

  it('fails with 502 naming the address when no provider can read it: never a partial sum', async () => {
    nock('https://blockstream.info')
      .get('/api/blocks/tip/height')
      .reply(200, '871234')
      .get('/api/blocks/tip/hash')
      .reply(200, TIP_HASH)
      .get(`/api/block/${TIP_HASH}`)
      .reply(200, tipBlock)
      .get(`/api/address/${A}`)
      .reply(200, statsOfA)
      .get(`/api/address/${B}`)
      .reply(504, 'Gateway Timeout')
      .get('/api/block-height/871234')
      .reply(200, TIP_HASH)
      .persist()
    // The second provider holds the same block at the height: it may serve B, and cannot either.
    nock('https://mempool.space')
      .get('/api/blocks/tip/height')
      .reply(200, '871234')
      .get('/api/blocks/tip/hash')
      .reply(200, TIP_HASH)
      .get(`/api/block/${TIP_HASH}`)
      .reply(200, tipBlock)
      .get('/api/block-height/871234')
      .reply(200, TIP_HASH)
      .get(`/api/address/${B}`)
      .reply(429, '<html>Too Many Requests</html>')
      .persist()
    const response = await testAdapter.request({ addresses: [mainnet(A), mainnet(B)], minConfirmations: 0 })
    expect(response.statusCode).toBe(502)
    const json = response.json()
    expect(json.result).toBeUndefined()
    expect(json.errorMessage).toContain(B)
    expect(json).toMatchSnapshot(stable(json))
  })
})

describe('a live custodian (re-recordable)', () => {
  // The tests below hold for any recording: none names a figure of the ledger.
  const recording = fixtureRecording(
    'recorded',
    { url: 'BITCOIN_MAINNET_ESPLORA_URL', addresses: 'BTC_BALANCE_RECORDED_ADDRESSES' },
    { url: BLOCKSTREAM, addresses: `${A},${B}` },
  )
  const addresses = recording.with.addresses.split(',').map(mainnet)
  let testAdapter: TestAdapter
  let done: () => void

  beforeAll(async () => {
    jest.spyOn(Date, 'now').mockReturnValue(recording.at)
    testAdapter = await startTestAdapter(makeAdapter(), env(recording.with.url))
  })
  beforeEach(async () => {
    done = await withFixture('recorded')
  })
  afterEach(() => done())
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
    jest.restoreAllMocks()
  })

  it('sums the addresses at tip − minConfirmations + 1, in satoshis', async () => {
    const response = await testAdapter.request({ addresses, minConfirmations: 6 })
    expect(response.statusCode).toBe(200)
    const json = response.json()
    expect(json.result).toMatch(/^\d+$/)
    expect(json.data).toMatchObject({
      result: json.result,
      decimals: 8,
      minConfirmations: 6,
      height: json.data.tipHeight - 5,
      addressCount: addresses.length,
    })
    expect(json.timestamps.providerDataRequestedUnixMs).toBe(recording.at)
  })
})
