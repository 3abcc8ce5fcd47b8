import { create } from '@bufbuild/protobuf'
import { EVMClient } from '@chainlink/cre-sdk'
import { CRON_TRIGGER_PB, EVM_PB, HTTP_CLIENT_PB, SDK_PB } from '@chainlink/cre-sdk/pb'
import {
  EvmMock,
  HttpActionsMock,
  newTestRuntime,
  REPORT_METADATA_HEADER_LENGTH,
  test,
} from '@chainlink/cre-sdk/test'
import { AbiCoder } from 'ethers'
import { bytesToHex, type Hex } from '../shared/abi-words'
import { emulateDon, valueCase } from '../testing/don'
import { type Config, configSchema } from './config'
import { decodePorReport } from './report'
import { agreeOnReserve, initWorkflow, onCron } from './workflow'

const CHAIN = 'ethereum-testnet-sepolia'
const SELECTOR = EVMClient.SUPPORTED_CHAIN_SELECTORS[CHAIN]
const RECEIVER: Hex = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
/** DON time of the test executions: 2026-11-21T12:00:00.750Z. */
const NOW_MS = 1_795_262_400_750
const NOW_S = 1_795_262_400n
const TWO_53 = 2n ** 53n

const config: Config = configSchema.parse({
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
  receiverAddress: RECEIVER,
  gasLimit: '500000',
})

type HttpAnswer = { status: number; body: string }

/** An adapter's success answer, as btc-balance sends it. */
function success(result: bigint | string, decimals = 8): HttpAnswer {
  const text = result.toString()
  return {
    status: 200,
    body: JSON.stringify({ result: text, data: { result: text, decimals, height: 871229 }, statusCode: 200 }),
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

/** The receiver's chain: records the reports written. */
function mockReceiverChain(): EVM_PB.WriteReportRequest[] {
  const writes: EVM_PB.WriteReportRequest[] = []
  EvmMock.testInstance(SELECTOR).writeReport = (request) => {
    writes.push(request)
    return {
      txStatus: 'TX_STATUS_SUCCESS',
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_SUCCESS',
    }
  }
  return writes
}

function runtime() {
  return newTestRuntime<Config>(null, { timeProvider: () => NOW_MS }, config)
}

const cronPayload = create(CRON_TRIGGER_PB.PayloadSchema, {})

function reportPayload(write: EVM_PB.WriteReportRequest): Hex {
  return bytesToHex(write.report!.rawReport.slice(REPORT_METADATA_HEADER_LENGTH))
}

/**
 * An execution on a DON of `answers.length` nodes, node i reading answers[i]: the peers' node-mode
 * reads run first, then the execution whose consensus sees every observation.
 */
function runOnDon(answers: HttpAnswer[]) {
  const requests = mockAdapter(...answers)
  const writes = mockReceiverChain()
  const don = emulateDon()
  const rt = runtime()
  for (let peer = 0; peer < answers.length - 1; peer++) agreeOnReserve(rt)
  don.agree = true
  onCron(rt, cronPayload)
  return { don, requests, writes }
}

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

  test('one POST per node of the configured bridge request to the adapter', () => {
    const requests = mockAdapter(success('10200000000'))
    mockReceiverChain()
    onCron(runtime(), cronPayload)
    expect(requests).toHaveLength(1)
    const [request] = requests
    expect(request.url).toBe(config.adapterUrl)
    expect(request.method).toBe('POST')
    expect(request.headers['Content-Type']).toBe('application/json')
    expect(JSON.parse(new TextDecoder().decode(request.body))).toEqual(config.adapterRequest)
    expect(request.timeout?.seconds).toBe(30n)
  })

  test('writes abi.encode(int256 answer, uint8 decimals, uint64 observedAt) to the receiver', () => {
    mockAdapter(success('10200000000'))
    const writes = mockReceiverChain()
    const rt = runtime()
    const returned = onCron(rt, cronPayload)
    expect(writes).toHaveLength(1)
    expect(bytesToHex(writes[0].receiver)).toBe(RECEIVER)
    expect(writes[0].gasConfig!.gasLimit).toBe(500_000n)
    const payload = reportPayload(writes[0])
    expect(returned).toBe(payload)
    // observedAt: the DON time of the execution, in whole seconds
    expect(decodePorReport(payload)).toEqual({ answer: 10_200_000_000n, decimals: 8, observedAt: NOW_S })
    const decoded = AbiCoder.defaultAbiCoder().decode(['int256', 'uint8', 'uint64'], payload)
    expect([...decoded]).toEqual([10_200_000_000n, 8n, NOW_S])
  })

  describe('consensus on the answer', () => {
    test('each node observes an exact BigInt (not a float64) under MEDIAN aggregation', () => {
      const { don } = runOnDon([
        success(TWO_53 + 1n),
        success(TWO_53 + 3n),
        success(TWO_53 + 2n),
        success(TWO_53 + 4n),
      ])
      expect(don.requests).toHaveLength(4)
      for (const request of don.requests) {
        expect(request.descriptors?.descriptor).toEqual({
          case: 'aggregation',
          value: SDK_PB.AggregationType.MEDIAN,
        })
        expect(valueCase(request.observation)).toBe('bigintValue')
      }
    })

    test('7 nodes (odd): the middle answer, exact above 2^53', () => {
      const answers = [5n, 1n, 7n, 3n, 2n, 6n, 9n].map((offset) => success(TWO_53 + offset))
      const { writes, requests } = runOnDon(answers)
      expect(requests).toHaveLength(7)
      expect(decodePorReport(reportPayload(writes[0])).answer).toBe(TWO_53 + 5n)
    })

    test('4 nodes (even): the lower middle answer, exact above 2^53', () => {
      const answers = [5n, 1n, 7n, 3n].map((offset) => success(TWO_53 + offset))
      const { writes } = runOnDon(answers)
      expect(decodePorReport(reportPayload(writes[0])).answer).toBe(TWO_53 + 3n)
      // what a float64 median would have written instead
      expect(BigInt(Number(TWO_53 + 3n))).toBe(TWO_53 + 4n)
    })

    test('values far above 2^64 (18-decimal reserves) stay exact', () => {
      const big = 123_456_789_012_345_678_901_234_567_890n
      const answers = [big + 2n, big, big + 1n, big - 1n, big + 5n, big + 1n, big - 7n].map((value) =>
        success(value),
      )
      const { writes } = runOnDon(answers)
      expect(decodePorReport(reportPayload(writes[0])).answer).toBe(big + 1n)
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
        const writes = mockReceiverChain()
        expect(() => onCron(runtime(), cronPayload)).toThrow(message)
        expect(writes).toHaveLength(0)
      })
    }

    test('an adapter that cannot be reached', () => {
      HttpActionsMock.testInstance().sendRequest = () => {
        throw new Error('connection refused')
      }
      const writes = mockReceiverChain()
      expect(() => onCron(runtime(), cronPayload)).toThrow('connection refused')
      expect(writes).toHaveLength(0)
    })
  })

  test('a report the receiver refuses fails the execution', () => {
    mockAdapter(success('100'))
    EvmMock.testInstance(SELECTOR).writeReport = () => ({
      txStatus: 'TX_STATUS_SUCCESS',
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_REVERTED',
      errorMessage: 'StaleReport(1795262400, 1795262400)',
    })
    expect(() => onCron(runtime(), cronPayload)).toThrow(
      `report to ${RECEIVER} refused: the receiver reverted: StaleReport(1795262400, 1795262400)`,
    )
  })
})
