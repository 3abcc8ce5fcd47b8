/**
 * One attestation, one coherent reading, or a 502: against a loopback auditor API answering
 * bodies written exactly as they arrive.
 * - a key twice in one object has no one reading (JSON.parse keeps the last one);
 * - figures the auditor gives for one quantity agree: totalReserve and totalTrust, a total and
 *   the sum of its per-chain parts (within ATTESTATION_TOTAL_TOLERANCE, exact by default);
 * - no figure is above ATTESTATION_MAX_FIGURE: it cannot be true.
 */
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askTestAdapterComputed, outcomeOf, type HttpAnswer } from '#devkit/adapter-server'
import { firstSegment, jsonReply, serveApi, type ApiServer } from '#devkit/simulators/http-api'
import { startTestAdapter, stopTestAdapter, withTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

/** Attestation bodies by client, as text (`$NOW` becomes the time asked): keys repeat at will. */
const BODIES: Record<string, string> = {
  'ripcord-twice':
    '{"accountName":"A","totalReserve":100,"totalToken":90,"timestamp":"$NOW","ripcord":true,"ripcord":false}',
  'reserve-twice':
    '{"accountName":"A","totalReserve":999999,"totalToken":90,"totalReserve":1,"timestamp":"$NOW","ripcord":false}',
  'chain-figure-twice':
    '{"accountName":"A","totalTrust":100,"totalToken":7,"updatedAt":"$NOW","ripcord":false,' +
    '"token":[{"tokenName":"T (ETH)","totalTokenByChain":3,"totalTokenByChain":5},{"tokenName":"T (TRON)","totalTokenByChain":4}]}',
  'reserve-trust-disagree':
    '{"accountName":"A","totalReserve":"100.00","totalTrust":"120.00","totalToken":90,"timestamp":"$NOW","ripcord":false}',
  'reserve-trust-agree':
    '{"accountName":"A","totalReserve":"100.10","totalTrust":100.1,"totalToken":90,"timestamp":"$NOW","ripcord":false}',
  'reserve-trust-cent-apart':
    '{"accountName":"A","totalReserve":"100.00","totalTrust":"100.01","totalToken":90,"timestamp":"$NOW","ripcord":false}',
  'chains-short-of-total':
    '{"accountName":"A","totalTrust":100,"totalToken":10,"updatedAt":"$NOW","ripcord":false,' +
    '"token":[{"tokenName":"T (ETH)","totalTokenByChain":3},{"tokenName":"T (TRON)","totalTokenByChain":4}]}',
  'chains-add-up':
    '{"accountName":"A","totalTrust":100,"totalToken":"7.0","updatedAt":"$NOW","ripcord":false,' +
    '"token":[{"tokenName":"T (ETH)","totalTokenByChain":3,"totalTrustByChain":60},{"tokenName":"T (TRON)","totalTokenByChain":4}]}',
  'chain-reserves-above-total':
    '{"accountName":"A","totalTrust":100,"totalToken":7,"updatedAt":"$NOW","ripcord":false,' +
    '"token":[{"tokenName":"T (ETH)","totalTokenByChain":3,"totalTrustByChain":60},{"tokenName":"T (TRON)","totalTokenByChain":4,"totalTrustByChain":50},{"tokenName":"T (BNB)","totalTokenByChain":0}]}',
  'reserve-implausible':
    '{"accountName":"A","totalReserve":1000000000000000000000,"totalToken":90,"timestamp":"$NOW","ripcord":false}',
  'supply-implausible':
    '{"accountName":"A","totalReserve":100,"totalToken":"1e21","timestamp":"$NOW","ripcord":false}',
  'chain-implausible':
    '{"accountName":"A","totalTrust":100,"totalToken":7,"updatedAt":"$NOW","ripcord":false,' +
    '"token":[{"tokenName":"T (ETH)","totalTokenByChain":3,"totalTrustByChain":1000000000000000000001},{"tokenName":"T (TRON)","totalTokenByChain":4}]}',
  thousand: '{"accountName":"A","totalReserve":"1000.5","totalToken":900,"timestamp":"$NOW","ripcord":false}',
}

let auditor: ApiServer
beforeAll(async () => {
  auditor = await serveApi((path) => {
    const body = BODIES[firstSegment(path)]
    return body === undefined ? undefined : jsonReply(body.replace('$NOW', new Date().toISOString()))
  })
})
afterAll(() => auditor.close())

type Ask = (data: Record<string, unknown>) => Promise<HttpAnswer>

/** Settings reading the loopback provider, the ones under test at their defaults. */
const env = (overrides: Record<string, string> = {}): Record<string, string | undefined> => ({
  ATTESTATION_API_URL: auditor.url,
  ATTESTATION_RETRIES: '0',
  ATTESTATION_SIGNER_ADDRESS: undefined,
  ATTESTATION_MAX_FIGURE: undefined,
  ATTESTATION_TOTAL_TOLERANCE: undefined,
  BACKGROUND_EXECUTE_MS_HTTP: '20',
  ...overrides,
})

describe('attestation, with the default settings', () => {
  let adapter: TestAdapter
  let ask: Ask
  beforeAll(async () => {
    adapter = await startTestAdapter(makeAdapter(), env())
    ask = (data) => askTestAdapterComputed(adapter, data)
  })
  afterAll(() => stopTestAdapter(adapter))

  it.each([
    ['ripcord-twice', { client: 'ripcord-twice' }, /ambiguous body: "ripcord" appears twice/],
    ['reserve-twice', { client: 'reserve-twice' }, /ambiguous body: "totalReserve" appears twice/],
    [
      'chain-figure-twice',
      { client: 'chain-figure-twice', field: 'totalToken', chain: 'TRON' },
      /ambiguous body: "token\[0\]\.totalTokenByChain" appears twice/,
    ],
  ])('refuses a key twice in one object (%s): 502 naming it', async (_client, data, message) => {
    expect(outcomeOf(await ask(data))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringMatching(message),
    })
  })

  it('refuses totalReserve and totalTrust that disagree: they are one figure', async () => {
    expect(outcomeOf(await ask({ client: 'reserve-trust-disagree' }))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringMatching(/totalReserve 100\.00 and totalTrust 120\.00 disagree/),
    })
    expect(outcomeOf(await ask({ client: 'reserve-trust-cent-apart' }))).toMatchObject({ status: 502 })
  })

  it('takes totalReserve and totalTrust that agree, however written', async () => {
    const answer = await ask({ client: 'reserve-trust-agree', decimals: 2 })
    expect(outcomeOf(answer)).toEqual({ status: 200, result: '10010', message: undefined })
  })

  it.each([
    ['totalToken', { client: 'chains-short-of-total', field: 'totalToken' }],
    ['a chain of it', { client: 'chains-short-of-total', field: 'totalToken', chain: 'ETH' }],
    ['the reserve beside it', { client: 'chains-short-of-total' }],
  ])(
    'refuses a totalToken its per-chain figures do not add up to (3 + 4 for 10), asked %s',
    async (_what, data) => {
      expect(outcomeOf(await ask(data))).toEqual({
        status: 502,
        result: undefined,
        message: expect.stringMatching(
          /totalToken 10 disagrees with the sum of token\[\]\.totalTokenByChain, 7 \(2 entries\)/,
        ),
      })
    },
  )

  it('takes per-chain figures that add up to their total, and reserves listed for some chains only below theirs', async () => {
    expect(outcomeOf(await ask({ client: 'chains-add-up', field: 'totalToken', decimals: 0 }))).toEqual({
      status: 200,
      result: '7',
      message: undefined,
    })
    expect(outcomeOf(await ask({ client: 'chains-add-up', chain: 'eth', decimals: 0 }))).toEqual({
      status: 200,
      result: '60',
      message: undefined,
    })
  })

  it('refuses per-chain reserves, listed for some chains only, that add up to more than their total', async () => {
    expect(outcomeOf(await ask({ client: 'chain-reserves-above-total', chain: 'ETH' }))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringMatching(
        /the sum of token\[\]\.totalTrustByChain, 110 \(2 of 3 entries\), is more than totalTrust 100/,
      ),
    })
  })

  it.each([
    ['a reserve of 10^21', { client: 'reserve-implausible' }, 'totalReserve 1000000000000000000000'],
    [
      'a supply of 10^21, in exponent form',
      { client: 'supply-implausible', field: 'totalToken' },
      'totalToken 1e21',
    ],
    [
      'a per-chain reserve above it, another figure asked',
      { client: 'chain-implausible', field: 'totalToken' },
      'token[0].totalTrustByChain 1000000000000000000001',
    ],
  ])('refuses %s: above ATTESTATION_MAX_FIGURE, it cannot be true', async (_title, data, named) => {
    const answer = outcomeOf(await ask(data))
    expect(answer).toEqual({ status: 502, result: undefined, message: expect.stringContaining(named) })
    expect(answer.message).toContain('ATTESTATION_MAX_FIGURE (1000000000000000000)')
  })
})

describe('attestation, with its coherence settings', () => {
  it('takes figures a cent apart within ATTESTATION_TOTAL_TOLERANCE 0.01', async () => {
    await withTestAdapter(makeAdapter(), env({ ATTESTATION_TOTAL_TOLERANCE: '0.01' }), async (adapter) => {
      const ask: Ask = (data) => askTestAdapterComputed(adapter, data)
      expect(outcomeOf(await ask({ client: 'reserve-trust-cent-apart', decimals: 2 }))).toEqual({
        status: 200,
        result: '10000',
        message: undefined,
      })
      expect(outcomeOf(await ask({ client: 'reserve-trust-disagree' }))).toMatchObject({ status: 502 })
    })
  })

  it('refuses a figure above a lower ATTESTATION_MAX_FIGURE', async () => {
    await withTestAdapter(makeAdapter(), env({ ATTESTATION_MAX_FIGURE: '1000' }), async (adapter) => {
      const ask: Ask = (data) => askTestAdapterComputed(adapter, data)
      expect(outcomeOf(await ask({ client: 'thousand' }))).toEqual({
        status: 502,
        result: undefined,
        message: expect.stringContaining('totalReserve 1000.5 is more than ATTESTATION_MAX_FIGURE (1000)'),
      })
    })
  })
})
