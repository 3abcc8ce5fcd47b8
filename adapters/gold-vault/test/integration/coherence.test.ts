/**
 * One vault reading, one coherent figure, or a 502: against a loopback custodian API answering
 * bodies written exactly as they arrive.
 * - a key twice in one object has no one reading;
 * - a bar list sent with its grams_locked total: the two agree (GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS);
 * - no bar heavier than GOLD_VAULT_MAX_BAR_TROY_OUNCES, no total above
 *   GOLD_VAULT_MAX_TOTAL_TROY_OUNCES: such gold cannot exist;
 * - vault names are URL paths, compared case-sensitively throughout; two vaults of a request
 *   that answer the very same body are one vault read twice.
 */
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { askTestAdapterComputed, outcomeOf, type HttpAnswer } from '#devkit/adapter-server'
import { firstSegment, jsonReply, serveApi, type ApiServer } from '#devkit/simulators/http-api'
import { startTestAdapter, stopTestAdapter, withTestAdapter } from '#devkit/test-adapter'
import { makeAdapter } from '../../src'

const BAR_A =
  '{"serial":"A1","refiner":"Valcambi","grossWeight":400.000,"fineness":999.9,"fineWeight":399.960}'
const BAR_B =
  '{"serial":"B2","refiner":"PAMP SA","grossWeight":"400.500","fineness":"999.9","fineWeight":"400.459"}'

/** A bar list, dated `$NOW`; `extra` goes after `bars`. */
const barList = (bars: string[], extra = '') =>
  `{"vault":"London","asOf":"$NOW","unit":"toz","bars":[${bars.join(',')}]${extra}}`

/** Bodies by vault path, as text (`$NOW` becomes the time asked); case-sensitive paths. */
const BODIES: Record<string, string> = {
  'key-twice': barList([
    BAR_A,
    '{"serial":"B2","refiner":"PAMP SA","grossWeight":400.5,"fineness":999.9,"fineWeight":400.459,"fineWeight":4004.59}',
  ]),
  // A1's 399.960 troy oz are 12440.146580928 g: the total sent rounded to 8 decimals, or twice it.
  'with-total': barList([BAR_A], ',"grams_locked":"12440.14658093"'),
  'with-wrong-total': barList([BAR_A], ',"grams_locked":"24880.29316186"'),
  'heavy-bar': barList([
    BAR_A,
    '{"serial":"X1","refiner":"Valcambi","grossWeight":1000000000000000000000000000000,"fineness":999.9,"fineWeight":999900000000000000000000000000}',
  ]),
  'summary-implausible': '{"grams_locked":"100000000000000000000000000000.00000000"}',
  summary: '{"grams_locked":"91571.93000000"}',
  london: barList([BAR_A]),
  LONDON: barList([BAR_B]),
  zurich: barList([BAR_B]),
}

let custodian: ApiServer
/** A custodian whose paths ignore case: `/LONDON` is `/london`. */
let caseBlind: ApiServer
const reply = (name: string) => {
  const body = BODIES[name]
  return body === undefined ? undefined : jsonReply(body.replace('$NOW', new Date().toISOString()))
}

beforeAll(async () => {
  custodian = await serveApi((path) => reply(firstSegment(path)))
  caseBlind = await serveApi((path) => {
    const vault = firstSegment(path).toLowerCase()
    return reply(vault === 'vault-summary' ? 'summary' : vault)
  })
})
afterAll(async () => {
  await custodian.close()
  await caseBlind.close()
})

type Ask = (data: Record<string, unknown>) => Promise<HttpAnswer>

/** Settings reading the loopback provider, the ones under test at their defaults. */
const env = (overrides: Record<string, string> = {}): Record<string, string | undefined> => ({
  GOLD_VAULT_API_URL: custodian.url,
  GOLD_VAULT_RETRIES: '0',
  GOLD_VAULT_MAX_BAR_TROY_OUNCES: undefined,
  GOLD_VAULT_MAX_TOTAL_TROY_OUNCES: undefined,
  GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS: undefined,
  BACKGROUND_EXECUTE_MS_HTTP: '20',
  ...overrides,
})

describe('gold-vault, with the default settings', () => {
  let adapter: TestAdapter
  let ask: Ask
  beforeAll(async () => {
    adapter = await startTestAdapter(makeAdapter(), env())
    ask = (data) => askTestAdapterComputed(adapter, data)
  })
  afterAll(() => stopTestAdapter(adapter))

  it('refuses a key twice in one object: 502 naming it', async () => {
    expect(outcomeOf(await ask({ vault: 'key-twice' }))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringMatching(/ambiguous body: "bars\[1\]\.fineWeight" appears twice/),
    })
  })

  it.each(['json', 'summary'])(
    'takes a bar list and its grams_locked that agree, read as %s',
    async (format) => {
      const answer = await ask({ vault: 'with-total', format, decimals: 3 })
      expect(outcomeOf(answer)).toEqual({ status: 200, result: '399960', message: undefined })
    },
  )

  it.each(['json', 'summary'])(
    'refuses a bar list and a grams_locked that disagree, read as %s',
    async (format) => {
      expect(outcomeOf(await ask({ vault: 'with-wrong-total', format }))).toEqual({
        status: 502,
        result: undefined,
        message: expect.stringMatching(
          /grams_locked 24880\.29316186 g disagrees with its bar list, 12440\.146580928 g of fine gold in 1 bar, by more than GOLD_VAULT_SUMMARY_TOLERANCE_GRAMS \(0\.001\)/,
        ),
      })
    },
  )

  it('refuses a bar heavier than GOLD_VAULT_MAX_BAR_TROY_OUNCES: no such bar exists', async () => {
    expect(outcomeOf(await ask({ vault: 'heavy-bar' }))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringContaining(
        'bar Valcambi X1 (bars[1]): gross weight 1000000000000000000000000000000 toz is more than GOLD_VAULT_MAX_BAR_TROY_OUNCES (500 troy oz)',
      ),
    })
  })

  it('refuses a summary of 30-digit grams: more gold than GOLD_VAULT_MAX_TOTAL_TROY_OUNCES', async () => {
    expect(outcomeOf(await ask({ vault: 'summary-implausible' }))).toEqual({
      status: 502,
      result: undefined,
      message: expect.stringContaining(
        'vault summary-implausible: grams_locked 100000000000000000000000000000.00000000 g is more than GOLD_VAULT_MAX_TOTAL_TROY_OUNCES (7000000000 troy oz)',
      ),
    })
  })

  it('reads london and LONDON as two vaults at a custodian whose paths are case-sensitive', async () => {
    const answer = await ask({ vault: 'london,LONDON', decimals: 3 })
    expect(outcomeOf(answer)).toEqual({ status: 200, result: '800419', message: undefined })
    expect((answer.body?.data as { vaults: { vault: string }[] }).vaults.map((v) => v.vault)).toEqual([
      'london',
      'LONDON',
    ])
  })
})

describe('gold-vault, at a custodian whose paths ignore case', () => {
  it.each([
    [
      'bar lists',
      'london,LONDON',
      /bar Valcambi A1 is listed twice: vault london bars\[0\] and vault LONDON bars\[0\]/,
    ],
    [
      'summaries',
      'vault-summary,VAULT-SUMMARY',
      /vault vault-summary and vault VAULT-SUMMARY answered the very same body/,
    ],
  ])('refuses one vault read twice under two spellings (%s)', async (_what, vault, message) => {
    await withTestAdapter(makeAdapter(), env({ GOLD_VAULT_API_URL: caseBlind.url }), async (adapter) => {
      const ask: Ask = (data) => askTestAdapterComputed(adapter, data)
      expect(outcomeOf(await ask({ vault }))).toEqual({
        status: 502,
        result: undefined,
        message: expect.stringMatching(message),
      })
    })
  })
})

describe('gold-vault, with its plausibility settings', () => {
  it('refuses vaults that together hold more than a lower GOLD_VAULT_MAX_TOTAL_TROY_OUNCES', async () => {
    await withTestAdapter(
      makeAdapter(),
      env({ GOLD_VAULT_MAX_TOTAL_TROY_OUNCES: '500' }),
      async (adapter) => {
        const ask: Ask = (data) => askTestAdapterComputed(adapter, data)
        expect(outcomeOf(await ask({ vault: 'london', decimals: 3 }))).toMatchObject({ status: 200 })
        expect(outcomeOf(await ask({ vault: 'london,zurich', decimals: 3 }))).toEqual({
          status: 502,
          result: undefined,
          message: expect.stringContaining(
            'the fine gold of vaults london, zurich together, 800.419 troy oz, is more than GOLD_VAULT_MAX_TOTAL_TROY_OUNCES (500 troy oz)',
          ),
        })
      },
    )
  })

  it('refuses a bar heavier than a lower GOLD_VAULT_MAX_BAR_TROY_OUNCES', async () => {
    await withTestAdapter(
      makeAdapter(),
      env({ GOLD_VAULT_MAX_BAR_TROY_OUNCES: '400.25' }),
      async (adapter) => {
        const ask: Ask = (data) => askTestAdapterComputed(adapter, data)
        expect(outcomeOf(await ask({ vault: 'zurich' }))).toEqual({
          status: 502,
          result: undefined,
          message: expect.stringContaining(
            'gross weight 400.500 toz is more than GOLD_VAULT_MAX_BAR_TROY_OUNCES (400.25 troy oz)',
          ),
        })
      },
    )
  })
})
