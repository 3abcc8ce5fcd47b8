import { create } from '@bufbuild/protobuf'
import { EVMClient, protoBigIntToBigint } from '@chainlink/cre-sdk'
import { CRON_TRIGGER_PB, EVM_PB, HTTP_CLIENT_PB, SDK_PB } from '@chainlink/cre-sdk/pb'
import {
  EvmMock,
  HttpActionsMock,
  newTestRuntime,
  REPORT_METADATA_HEADER_LENGTH,
  test,
} from '@chainlink/cre-sdk/test'
import { AbiCoder, getBytes, Interface, type InterfaceAbi } from 'ethers'
import { bytesToHex, type Hex } from '../shared/abi-words'
import { artifactAbi } from '../testing/artifacts'
import { emulateDon, valueCase } from '../testing/don'
import { type Config, configSchema } from './config'
import { decodeDecimalReports, DECIMAL_REPORTS_TYPE } from './report'
import { agreeOnReserve, CACHE_ABI, initWorkflow, onCron } from './workflow'

const CHAIN = 'ethereum-testnet-sepolia'
const SELECTOR = EVMClient.SUPPORTED_CHAIN_SELECTORS[CHAIN]
const CACHE: Hex = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
const DATA_ID: Hex = '0x0169bd60410001280000000000000000'
/** DON time of the test executions: 2026-11-21T12:00:00.750Z. */
const NOW_MS = 1_795_262_400_750
const NOW_S = 1_795_262_400n
const TWO_53 = 2n ** 53n

const cacheAbi = new Interface(
  (await artifactAbi(
    '@chainlink/contracts/src/v0.8/data-feeds/DataFeedsCache.sol/DataFeedsCache',
  )) as InterfaceAbi,
)

const BASE = {
  schedule: '0 */10 * * * *',
  adapterUrl: 'http://btc-balance.internal:8080/',
  adapterRequest: {
    id: 'por-feed',
    data: {
      endpoint: 'balance',
      addresses: [
        { address: 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh', network: 'bitcoin', chainId: 'mainnet' },
      ],
      minConfirmations: 6,
    },
  },
  timeoutSeconds: 30,
  decimals: 8,
  chainSelectorName: CHAIN,
  dataFeedsCacheAddress: CACHE,
  dataId: DATA_ID,
  // 1%; readers' heartbeat one hour; every 10 minutes; a minute to land
  deviationBps: 100,
  heartbeatSeconds: 3_600,
  deliveryMarginSeconds: 60,
  gasLimit: '500000',
}
const config: Config = configSchema.parse(BASE)

type HttpAnswer = { status: number; body: string }

/** An adapter's success answer, as btc-balance sends it (with any extra data fields). */
function success(result: bigint | string, decimals = 8, data: Record<string, unknown> = {}): HttpAnswer {
  const text = result.toString()
  return {
    status: 200,
    body: JSON.stringify({
      result: text,
      data: { result: text, decimals, height: 871229, ...data },
      statusCode: 200,
    }),
  }
}

/** The HTTP capability, answering the adapter calls in turn (one call per node), recording the requests. */
function mockAdapter(...answers: HttpAnswer[]): HTTP_CLIENT_PB.Request[] {
  const requests: HTTP_CLIENT_PB.Request[] = []
  HttpActionsMock.testInstance().sendRequest = (request) => {
    const answer = answers[requests.length]
    requests.push(request)
    if (!answer) throw new Error(`no answer for adapter call ${requests.length}`)
    return create(HTTP_CLIENT_PB.ResponseSchema, {
      statusCode: answer.status,
      body: new TextEncoder().encode(answer.body),
    })
  }
  return requests
}

/** What the cache holds for the data id: its latest round, answer and timestamp. */
interface Held {
  round: bigint
  answer: bigint
  timestamp: bigint
}
const EMPTY: Held = { round: 0n, answer: 0n, timestamp: 0n }

/**
 * The feed's chain: `getLatestRoundData(dataId)` answers what the cache holds, and a report written with
 * the given outcome is applied as DataFeedsCache applies it (a newer timestamp makes a new round), so that
 * the next execution reads what the last one left.
 */
function mockFeedChain(held: Held = EMPTY, outcome: Partial<EVM_PB.WriteReportReplyJson> = {}) {
  const state = { held: { ...held } }
  const reads: EVM_PB.CallContractRequest[] = []
  const writes: EVM_PB.WriteReportRequest[] = []
  const evm = EvmMock.testInstance(SELECTOR)
  evm.callContract = (request) => {
    reads.push(request)
    const { round, answer, timestamp } = state.held
    const data = cacheAbi.encodeFunctionResult('getLatestRoundData', [
      round,
      answer,
      timestamp,
      timestamp,
      round,
    ])
    return create(EVM_PB.CallContractReplySchema, { data: getBytes(data) })
  }
  evm.writeReport = (request) => {
    writes.push(request)
    const reply = {
      txStatus: 'TX_STATUS_SUCCESS',
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_SUCCESS',
      ...outcome,
    } as const
    if (reply.txStatus === 'TX_STATUS_SUCCESS' && reply.receiverContractExecutionStatus.endsWith('SUCCESS')) {
      for (const report of decodeDecimalReports(reportPayload(request))) {
        if (report.timestamp > state.held.timestamp) {
          state.held = { round: state.held.round + 1n, answer: report.answer, timestamp: report.timestamp }
        }
      }
    }
    return reply
  }
  return { state, reads, writes }
}

function runtime(nowMs = NOW_MS, cfg: Config = config) {
  return newTestRuntime<Config>(null, { timeProvider: () => nowMs }, cfg)
}

const cronPayload = create(CRON_TRIGGER_PB.PayloadSchema, {})

function reportPayload(write: EVM_PB.WriteReportRequest): Hex {
  return bytesToHex(write.report!.rawReport.slice(REPORT_METADATA_HEADER_LENGTH))
}

/** The one report of a write: (dataId, timestamp, answer). */
function written(write: EVM_PB.WriteReportRequest) {
  const reports = decodeDecimalReports(reportPayload(write))
  expect(reports).toHaveLength(1)
  return reports[0]
}

/**
 * An execution on a DON of `answers.length` nodes, node i reading answers[i]: the peers' node-mode
 * reads run first, then the execution whose consensus sees every observation.
 */
function runOnDon(answers: HttpAnswer[]) {
  const requests = mockAdapter(...answers)
  const { writes } = mockFeedChain()
  const don = emulateDon()
  const rt = runtime()
  for (let peer = 0; peer < answers.length - 1; peer++) agreeOnReserve(rt, NOW_S)
  don.agree = true
  onCron(rt, cronPayload)
  return { don, requests, writes }
}

/** DON time `seconds` after the held answer's timestamp. */
const heldAt = NOW_S - 7_200n
const after = (seconds: number) => Number(heldAt + BigInt(seconds)) * 1000

describe('por-feed workflow', () => {
  test('one cron trigger, on the configured schedule', () => {
    const handlers = initWorkflow(config)
    expect(handlers).toHaveLength(1)
    expect(handlers[0].fn).toBe(onCron)
    expect(handlers[0].trigger.capabilityId()).toBe('cron-trigger@1.0.0')
    expect((handlers[0].trigger as unknown as { config: { schedule: string } }).config.schedule).toBe(
      config.schedule,
    )
  })

  test("the cache's read fragment is DataFeedsCache's own", () => {
    const ours = new Interface(CACHE_ABI as unknown as InterfaceAbi).getFunction('getLatestRoundData')!
    expect(ours.format('minimal')).toBe(cacheAbi.getFunction('getLatestRoundData')!.format('minimal'))
  })

  test('one POST per node of the configured bridge request to the adapter', () => {
    const requests = mockAdapter(success('10200000000'))
    mockFeedChain()
    onCron(runtime(), cronPayload)
    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request.url).toBe(config.adapterUrl)
    expect(request.method).toBe('POST')
    expect(request.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(new TextDecoder().decode(request.body))).toEqual(config.adapterRequest)
    expect(request.timeout?.seconds).toBe(30n)
  })

  test("reads the feed's latest answer in the cache, by data id, at the latest block", () => {
    mockAdapter(success('10200000000'))
    const { reads } = mockFeedChain()
    onCron(runtime(), cronPayload)
    expect(reads).toHaveLength(1)
    expect(bytesToHex(reads[0].call!.to)).toBe(CACHE)
    expect(bytesToHex(reads[0].call!.data)).toBe(cacheAbi.encodeFunctionData('getLatestRoundData', [DATA_ID]))
    // the latest block (-2), not the finalized one: the write it gates goes on top of it
    expect(protoBigIntToBigint(reads[0].blockNumber!)).toBe(-2n)
  })

  test('writes the decimal report DataFeedsCache decodes: (dataId, timestamp, answer)', () => {
    mockAdapter(success('10200000000'))
    const { writes } = mockFeedChain()
    const returned = onCron(runtime(), cronPayload)
    expect(writes).toHaveLength(1)
    expect(bytesToHex(writes[0].receiver)).toBe(CACHE)
    expect(writes[0].gasConfig!.gasLimit).toBe(500_000n)
    const payload = reportPayload(writes[0])
    expect(returned).toBe(`written ${payload}`)
    // timestamp: the DON time of the execution, in whole seconds (the adapter gives no date)
    expect(decodeDecimalReports(payload)).toEqual([
      { dataId: DATA_ID, timestamp: NOW_S, answer: 10_200_000_000n },
    ])
    const [[entry]] = AbiCoder.defaultAbiCoder().decode([DECIMAL_REPORTS_TYPE], payload)
    expect([...entry]).toEqual([`${DATA_ID}${'00'.repeat(16)}`, NOW_S, 10_200_000_000n])
  })

  describe('the as-of time', () => {
    const attested = (at: string) => success('10200000000', 8, { attestedAt: at })
    const dated = configSchema.parse({ ...BASE, asOfField: 'attestedAt' })

    test("the adapter's own date, when the config names its field", () => {
      mockAdapter(attested('2026-11-21T11:50:00Z'))
      const { writes } = mockFeedChain()
      onCron(runtime(NOW_MS, dated), cronPayload)
      expect(written(writes[0]).timestamp).toBe(NOW_S - 600n)
    })

    test('a date after the execution started is taken as the DON time', () => {
      mockAdapter(attested('2026-11-21T12:00:05Z'))
      const { writes } = mockFeedChain()
      onCron(runtime(NOW_MS, dated), cronPayload)
      expect(written(writes[0]).timestamp).toBe(NOW_S)
    })
  })

  describe('gated writes: only when readers need a new answer', () => {
    const held = { round: 4n, answer: 10_000_000_000n, timestamp: heldAt }

    test('inside the deviation and heartbeat bounds: the read is made, the write skipped', () => {
      // +0.5%, the answer 2,000 s old (due at 3,600 − 600 − 60 = 2,940 s)
      mockAdapter(success('10050000000'))
      const { reads, writes } = mockFeedChain(held)
      expect(onCron(runtime(after(2_000)), cronPayload)).toBe('skipped: within bounds')
      expect(reads).toHaveLength(1)
      expect(writes).toHaveLength(0)
    })

    test('a move of at least deviationBps: written at once', () => {
      mockAdapter(success('9900000000'))
      const { writes, state } = mockFeedChain(held)
      expect(onCron(runtime(after(60)), cronPayload)).toMatch(/^written /)
      expect(written(writes[0]).answer).toBe(9_900_000_000n)
      expect(state.held).toEqual({ round: 5n, answer: 9_900_000_000n, timestamp: heldAt + 60n })
    })

    test('an answer that would outlive the heartbeat before the next run lands: written, unchanged', () => {
      mockAdapter(success('10000000000'))
      const { writes } = mockFeedChain(held)
      expect(onCron(runtime(after(2_940)), cronPayload)).toMatch(/^written /)
      expect(written(writes[0])).toEqual({
        dataId: DATA_ID,
        timestamp: heldAt + 2_940n,
        answer: 10_000_000_000n,
      })
    })

    test('one second earlier it is not due', () => {
      mockAdapter(success('10000000000'))
      const { writes } = mockFeedChain(held)
      expect(onCron(runtime(after(2_939)), cronPayload)).toBe('skipped: within bounds')
      expect(writes).toHaveLength(0)
    })

    test('a reading not newer than the held answer is not written', () => {
      const dated = configSchema.parse({ ...BASE, asOfField: 'attestedAt' })
      mockAdapter(success('5000000000', 8, { attestedAt: new Date(Number(heldAt) * 1000).toISOString() }))
      const { writes } = mockFeedChain(held)
      expect(onCron(runtime(after(3_000), dated), cronPayload)).toBe('skipped: not newer')
      expect(writes).toHaveLength(0)
    })

    test('the last write failed: the next execution writes again, then the one after skips', () => {
      // the write fails (the transaction reverted): the execution fails, the feed is as it was
      mockAdapter(success('9000000000'))
      const chain = mockFeedChain(held, { txStatus: 'TX_STATUS_REVERTED', errorMessage: 'out of gas' })
      expect(() => onCron(runtime(after(60)), cronPayload)).toThrow(
        `report to ${CACHE} not delivered: transaction REVERTED: out of gas`,
      )
      expect(chain.state.held).toEqual(held)

      // ten minutes later, the same reserve: the feed still shows the old answer, so the move is still there
      mockAdapter(success('9000000000'))
      const retry = mockFeedChain(chain.state.held)
      expect(onCron(runtime(after(660)), cronPayload)).toMatch(/^written /)
      expect(retry.state.held.answer).toBe(9_000_000_000n)

      // and once it landed, the same reserve is inside the bounds
      mockAdapter(success('9000000000'))
      const next = mockFeedChain(retry.state.held)
      expect(onCron(runtime(after(1_260)), cronPayload)).toBe('skipped: within bounds')
      expect(next.writes).toHaveLength(0)
    })

    test('a run of executions writes on moves and on the heartbeat, and skips in between', () => {
      // every 10 minutes for 3 hours: the reserve steps down 0.5% at minute 30, then 1.005% at minute 90
      let state: Held = { round: 1n, answer: 10_000_000_000n, timestamp: NOW_S }
      const outcomes: string[] = []
      for (let minute = 10; minute <= 180; minute += 10) {
        const reserve = minute < 30 ? 10_000_000_000n : minute < 90 ? 9_950_000_000n : 9_850_000_000n
        mockAdapter(success(reserve))
        const chain = mockFeedChain(state)
        outcomes.push(`${minute}: ${onCron(runtime(NOW_MS + minute * 60_000), cronPayload).split(' ')[0]}`)
        state = chain.state.held
      }
      expect(outcomes).toEqual([
        '10: skipped:',
        '20: skipped:',
        '30: skipped:', // −0.5%
        '40: skipped:',
        '50: written', // the answer 3,000 s old ≥ 2,940 s: heartbeat (9,950 kept unwritten until then)
        '60: skipped:',
        '70: skipped:',
        '80: skipped:',
        '90: written', // 9,950 → 9,850: 100 bps (100.5, rounded down): deviation
        '100: skipped:',
        '110: skipped:',
        '120: skipped:',
        '130: skipped:',
        '140: written', // 3,000 s after minute 90: heartbeat
        '150: skipped:',
        '160: skipped:',
        '170: skipped:',
        '180: skipped:',
      ])
    })
  })

  describe('consensus on the reading', () => {
    test('each node observes its answer and as-of time as exact BigInts (not float64) under MEDIAN by field', () => {
      const { don } = runOnDon([
        success(TWO_53 + 1n),
        success(TWO_53 + 3n),
        success(TWO_53 + 2n),
        success(TWO_53 + 4n),
      ])
      expect(don.requests).toHaveLength(4)
      for (const request of don.requests) {
        const descriptor = request.descriptors?.descriptor
        expect(descriptor?.case).toBe('fieldsMap')
        const fields = descriptor?.case === 'fieldsMap' ? descriptor.value.fields : {}
        expect(Object.keys(fields).sort()).toEqual(['answer', 'asOf'])
        for (const field of Object.values(fields)) {
          expect(field.descriptor).toEqual({ case: 'aggregation', value: SDK_PB.AggregationType.MEDIAN })
        }
        expect(valueCase(request.observation)).toEqual({ answer: 'bigintValue', asOf: 'bigintValue' })
      }
    })

    test('7 nodes (odd): the middle answer, exact above 2^53', () => {
      const answers = [5n, 1n, 7n, 3n, 2n, 6n, 9n].map((offset) => success(TWO_53 + offset))
      const { writes, requests } = runOnDon(answers)
      expect(requests).toHaveLength(7)
      expect(written(writes[0]).answer).toBe(TWO_53 + 5n)
    })

    test('4 nodes (even): the lower middle answer, exact above 2^53', () => {
      const answers = [5n, 1n, 7n, 3n].map((offset) => success(TWO_53 + offset))
      const { writes } = runOnDon(answers)
      expect(written(writes[0]).answer).toBe(TWO_53 + 3n)
      // what a float64 median would have written instead
      expect(BigInt(Number(TWO_53 + 3n))).toBe(TWO_53 + 4n)
    })

    test('values far above 2^64 (18-decimal reserves) stay exact', () => {
      const big = 123_456_789_012_345_678_901_234_567_890n
      const answers = [big + 2n, big, big + 1n, big - 1n, big + 5n, big + 1n, big - 7n].map((value) =>
        success(value),
      )
      const { writes } = runOnDon(answers)
      expect(written(writes[0]).answer).toBe(big + 1n)
    })
  })

  describe('an answer that must not be used: the execution aborts and writes nothing', () => {
    const aborting: [string, HttpAnswer, string][] = [
      [
        'a ripcord (HTTP 503)',
        {
          status: 503,
          body: JSON.stringify({
            statusCode: 503,
            errorMessage: 'the auditor raised the ripcord',
            ripcord: true,
            ripcordDetails: ['Reconciliation pending'],
          }),
        },
        'the adapter raised the ripcord ["Reconciliation pending"]',
      ],
      [
        'a ripcord inside a 200 answer',
        {
          status: 200,
          body: JSON.stringify({
            result: '100',
            data: { result: '100', decimals: 8, ripcord: true },
            statusCode: 200,
          }),
        },
        'the adapter raised the ripcord',
      ],
      [
        'a non-200 answer',
        { status: 502, body: JSON.stringify({ statusCode: 502, errorMessage: 'esplora: every URL failed' }) },
        'the adapter answered HTTP 502: esplora: every URL failed',
      ],
      ['a body that is not JSON', { status: 200, body: '<html>ok</html>' }, 'not a JSON object'],
      [
        'result and data.result differing',
        {
          status: 200,
          body: JSON.stringify({ result: '100', data: { result: '1000', decimals: 8 }, statusCode: 200 }),
        },
        'data.result "1000" differs from result "100"',
      ],
      ['other decimals', success('100', 18), 'data.decimals is 18; the receiver takes 8 decimals'],
      [
        'a result sent as a JSON number',
        { status: 200, body: '{"result":10200000000,"data":{"result":10200000000,"decimals":8}}' },
        'non-negative integer string',
      ],
      ['a negative result', success('-5'), 'non-negative integer string'],
    ]
    for (const [what, answer, message] of aborting) {
      test(what, () => {
        mockAdapter(answer)
        const { writes } = mockFeedChain()
        expect(() => onCron(runtime(), cronPayload)).toThrow(message)
        expect(writes).toHaveLength(0)
      })
    }

    test('an adapter that cannot be reached', () => {
      HttpActionsMock.testInstance().sendRequest = () => {
        throw new Error('connection refused')
      }
      const { writes } = mockFeedChain()
      expect(() => onCron(runtime(), cronPayload)).toThrow('connection refused')
      expect(writes).toHaveLength(0)
    })
  })

  test('fails, writing nothing, when there is no contract at the cache address', () => {
    mockAdapter(success('100'))
    const evm = EvmMock.testInstance(SELECTOR)
    evm.callContract = () => create(EVM_PB.CallContractReplySchema, { data: new Uint8Array() })
    evm.writeReport = () => {
      throw new Error('must not write')
    }
    expect(() => onCron(runtime(), cronPayload)).toThrow('returned no data')
  })

  test('a report the receiver refuses fails the execution', () => {
    mockAdapter(success('100'))
    mockFeedChain(EMPTY, {
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_REVERTED',
      errorMessage: 'UnauthorizedCaller(0x…)',
    })
    expect(() => onCron(runtime(), cronPayload)).toThrow(
      `report to ${CACHE} refused: the receiver reverted: UnauthorizedCaller(0x…)`,
    )
  })
})
