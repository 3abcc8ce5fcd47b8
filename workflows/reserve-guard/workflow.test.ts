import { create } from '@bufbuild/protobuf'
import { EVMClient, protoBigIntToBigint } from '@chainlink/cre-sdk'
import { CRON_TRIGGER_PB, EVM_PB } from '@chainlink/cre-sdk/pb'
import { EvmMock, newTestRuntime, REPORT_METADATA_HEADER_LENGTH, test } from '@chainlink/cre-sdk/test'
import { AbiCoder, getBytes, hexlify, id, Interface, toBeHex } from 'ethers'
import { bytesToHex, type Hex } from '../shared/abi-words'
import { artifactAbi } from '../testing/artifacts'
import { type Config, configSchema } from './config'
import { decodeGuardEntries, encodeGuardEntries, guardEntry } from './report'
import {
  ANSWER_UPDATED_TOPIC,
  GUARD_ABI,
  MINT_FROM_TOPIC,
  TRANSFER_TOPIC,
  initWorkflow,
  onAnswerUpdated,
  onCron,
  onMint,
} from './workflow'

// The compiled contracts: the guard the workflow reads, and Chainlink's aggregator whose event wakes it.
const guardAbi = new Interface(await artifactAbi('contracts/ReserveGuard.sol/ReserveGuard'))
const aggregatorAbi = new Interface(
  await artifactAbi('@chainlink/contracts/src/v0.8/shared/mocks/MockV3Aggregator.sol/MockV3Aggregator'),
)
const tokenAbi = new Interface(await artifactAbi('contracts/mocks/PausableStablecoin.sol/PausableStablecoin'))

const CHAIN = 'ethereum-testnet-sepolia'
const SELECTOR = EVMClient.SUPPORTED_CHAIN_SELECTORS[CHAIN]
const GUARD: Hex = '0x5fbdb2315678afecb367f032d93f642f64180aa3'
const AGGREGATORS: Hex[] = [
  '0xe7f1725e7734ce288f8367e1bb143e90bb3f0512',
  '0x9fe46736679d2d9a65f0992f2272de9f3c7fa6e0',
]
const TOKEN_A: Hex = '0xcf7ed3acca5a467e9e704c703e8d87f634fb0fc9'
const TOKEN_B: Hex = '0xdc64a140aa3e981100a9beca4e685f962f0cf6c9'
/** The capability's block numbers: -2 the latest block, -3 the last finalized one. */
const LATEST = -2n
const FINALIZED = -3n

function configWith(overrides: Record<string, unknown> = {}): Config {
  return configSchema.parse({
    chainSelectorName: CHAIN,
    guardAddress: GUARD,
    gasLimit: '1500000',
    schedule: '0 */5 * * * *',
    watchedAggregators: AGGREGATORS,
    ...overrides,
  })
}

interface GuardAnswer {
  upkeepNeeded: boolean
  performData: Hex
}

/**
 * The EVM capability of the test chain, answering `checkUpkeep` as the compiled guard's ABI encodes
 * `answer`, and recording every read and every report written.
 */
function mockChain(answer: GuardAnswer, writeStatus: Partial<EVM_PB.WriteReportReplyJson> = {}) {
  const evm = EvmMock.testInstance(SELECTOR)
  const reads: EVM_PB.CallContractRequest[] = []
  const writes: EVM_PB.WriteReportRequest[] = []
  evm.callContract = (request) => {
    reads.push(request)
    const data = guardAbi.encodeFunctionResult('checkUpkeep', [answer.upkeepNeeded, answer.performData])
    return create(EVM_PB.CallContractReplySchema, { data: getBytes(data) })
  }
  evm.writeReport = (request) => {
    writes.push(request)
    return {
      txStatus: 'TX_STATUS_SUCCESS',
      receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_SUCCESS',
      txHash: Buffer.from(getBytes(id('tx'))).toString('base64'),
      ...writeStatus,
    }
  }
  return { reads, writes }
}

function runtimeFor(config: Config) {
  return newTestRuntime<Config>(null, {}, config)
}

const cronPayload = create(CRON_TRIGGER_PB.PayloadSchema, {})

/** A token's mint as the chain logs it: `Transfer(0, to, value)`, built with the compiled token's ABI. */
function mintLog(token: Hex): EVM_PB.Log {
  const holder = '0x00000000000000000000000000000000000000aa'
  const { data, topics } = tokenAbi.encodeEventLog('Transfer', [
    '0x0000000000000000000000000000000000000000',
    holder,
    300_000_000_000_000n * 10n ** 6n,
  ])
  return create(EVM_PB.LogSchema, {
    address: getBytes(token),
    topics: topics.map((topic) => getBytes(topic)),
    txHash: getBytes(id('fat-finger mint')),
    eventSig: getBytes(topics[0]),
    data: getBytes(data),
  })
}

function answerUpdatedLog(aggregator: Hex): EVM_PB.Log {
  const topics = [ANSWER_UPDATED_TOPIC, toBeHex(4200, 32), toBeHex(7, 32)] as Hex[]
  return create(EVM_PB.LogSchema, {
    address: getBytes(aggregator),
    topics: topics.map((topic) => getBytes(topic)),
    txHash: getBytes(id('feed update')),
    eventSig: getBytes(ANSWER_UPDATED_TOPIC),
    data: getBytes(AbiCoder.defaultAbiCoder().encode(['uint256'], [1_700_000_000])),
  })
}

/** The payload of a written report: the raw report after the metadata header. */
function reportPayload(write: EVM_PB.WriteReportRequest): Hex {
  return bytesToHex(write.report!.rawReport.slice(REPORT_METADATA_HEADER_LENGTH))
}

const SHORT: GuardAnswer = {
  upkeepNeeded: true,
  performData: encodeGuardEntries([guardEntry(TOKEN_A, 0n), guardEntry(TOKEN_B, 3n)]),
}
const BACKED: GuardAnswer = { upkeepNeeded: false, performData: '0x' }

describe('reserve-guard workflow', () => {
  describe('contract interfaces (checked against the compiled contracts)', () => {
    test('checkUpkeep is the guard’s: same selector, bytes in, (bool, bytes) out, view', () => {
      const compiled = guardAbi.getFunction('checkUpkeep')!
      const ours = new Interface(GUARD_ABI as never).getFunction('checkUpkeep')!
      expect(ours.selector).toBe(compiled.selector)
      expect(ours.outputs.map((output) => output.type)).toEqual(compiled.outputs.map((output) => output.type))
      expect(compiled.stateMutability).toBe('view')
    })

    test('the log filter’s topic0 is AnswerUpdated as Chainlink’s aggregator declares it', () => {
      expect(ANSWER_UPDATED_TOPIC).toBe(aggregatorAbi.getEvent('AnswerUpdated')!.topicHash as Hex)
      expect(ANSWER_UPDATED_TOPIC).toBe(id('AnswerUpdated(int256,uint256,uint256)') as Hex)
    })

    test('the mint filter is an ERC-20 Transfer from the zero address, as the guard’s checkLog takes it', () => {
      expect(TRANSFER_TOPIC).toBe(tokenAbi.getEvent('Transfer')!.topicHash as Hex)
      expect(TRANSFER_TOPIC).toBe(id('Transfer(address,address,uint256)') as Hex)
      expect(guardAbi.getFunction('TRANSFER_TOPIC')).not.toBeNull() // keccak256 of the same signature
      expect(MINT_FROM_TOPIC).toBe(toBeHex(0, 32))
    })
  })

  describe('triggers', () => {
    test('cron first (trigger index 0), then AnswerUpdated from the watched aggregators (index 1)', () => {
      const config = configWith({ logConfidence: 'SAFE' })
      const [cron, log] = initWorkflow(config)
      expect(cron.fn).toBe(onCron)
      expect(log.fn).toBe(onAnswerUpdated)
      expect(cron.trigger.capabilityId()).toBe('cron-trigger@1.0.0')
      expect((cron.trigger as unknown as { config: { schedule: string } }).config.schedule).toBe(
        config.schedule,
      )

      expect(log.trigger.capabilityId()).toBe(`evm:ChainSelector:${SELECTOR}@1.0.0`)
      const filter = (log.trigger as unknown as { config: EVM_PB.FilterLogTriggerRequest }).config
      expect(filter.addresses.map((address) => bytesToHex(address))).toEqual(AGGREGATORS)
      expect(filter.topics.map((topic) => topic.values.map((value) => bytesToHex(value)))).toEqual([
        [ANSWER_UPDATED_TOPIC],
      ])
      expect(filter.confidence).toBe(EVM_PB.ConfidenceLevel.SAFE)
    })

    test('no watched aggregators: the cron trigger only', () => {
      expect(initWorkflow(configWith({ watchedAggregators: [] }))).toHaveLength(1)
    })

    test('mints of the watched tokens: an EVM log trigger on Transfer with topic1 the zero address (next index)', () => {
      const config = configWith({ watchedTokens: [TOKEN_A, TOKEN_B], logConfidence: 'FINALIZED' })
      const [cron, feedUpdates, mints] = initWorkflow(config)
      expect([cron.fn, feedUpdates.fn, mints.fn]).toEqual([onCron, onAnswerUpdated, onMint])
      expect(mints.trigger.capabilityId()).toBe(`evm:ChainSelector:${SELECTOR}@1.0.0`)
      const filter = (mints.trigger as unknown as { config: EVM_PB.FilterLogTriggerRequest }).config
      expect(filter.addresses.map((address) => bytesToHex(address))).toEqual([TOKEN_A, TOKEN_B])
      expect(filter.topics.map((topic) => topic.values.map((value) => bytesToHex(value)))).toEqual([
        [TRANSFER_TOPIC],
        [MINT_FROM_TOPIC],
      ])
      expect(filter.confidence).toBe(EVM_PB.ConfidenceLevel.FINALIZED)
      // Without aggregators, the mint trigger is index 1.
      const [, only] = initWorkflow(configWith({ watchedAggregators: [], watchedTokens: [TOKEN_A] }))
      expect(only.fn).toBe(onMint)
    })

    test('a mint reads the guard and reports when it asks for upkeep', () => {
      const config = configWith({ watchedTokens: [TOKEN_A] })
      const chain = mockChain(SHORT)
      const runtime = runtimeFor(config)
      onMint(runtime, mintLog(TOKEN_A))
      expect(chain.reads).toHaveLength(1)
      // As on any trigger: at most the entries its gas limit covers (1,500,000 gas: two).
      const checkData = AbiCoder.defaultAbiCoder().encode(['uint256'], [2]) as Hex
      expect(bytesToHex(chain.reads[0].call!.data)).toBe(
        guardAbi.encodeFunctionData('checkUpkeep', [checkData]) as Hex,
      )
      expect(chain.writes).toHaveLength(1)
      expect(reportPayload(chain.writes[0])).toBe(SHORT.performData)
      expect(runtime.getLogs().join('\n')).toContain(`mint of ${TOKEN_A} (Transfer from the zero address)`)
    })

    test('the cron trigger reads the guard and reports when it asks for upkeep', () => {
      const config = configWith()
      const chain = mockChain(SHORT)
      onCron(runtimeFor(config), cronPayload)
      expect(chain.reads).toHaveLength(1)
      expect(chain.writes).toHaveLength(1)
      expect(reportPayload(chain.writes[0])).toBe(SHORT.performData)
    })

    test('the log trigger reads the guard and reports when it asks for upkeep', () => {
      const config = configWith()
      const chain = mockChain(SHORT)
      const runtime = runtimeFor(config)
      onAnswerUpdated(runtime, answerUpdatedLog(AGGREGATORS[1]))
      expect(chain.reads).toHaveLength(1)
      expect(chain.writes).toHaveLength(1)
      expect(reportPayload(chain.writes[0])).toBe(SHORT.performData)
      expect(runtime.getLogs().join('\n')).toContain(`AnswerUpdated from ${AGGREGATORS[1]}`)
    })
  })

  describe('reading the guard', () => {
    test('calls checkUpkeep(abi.encode(maxEntries)) on the guard at the latest block by default', () => {
      const config = configWith()
      const chain = mockChain(BACKED)
      onCron(runtimeFor(config), cronPayload)
      const [read] = chain.reads
      expect(bytesToHex(read.call!.to)).toBe(GUARD)
      // 1,500,000 gas covers two entries
      const checkData = AbiCoder.defaultAbiCoder().encode(['uint256'], [2]) as Hex
      expect(bytesToHex(read.call!.data)).toBe(guardAbi.encodeFunctionData('checkUpkeep', [checkData]) as Hex)
      expect(protoBigIntToBigint(read.blockNumber!)).toBe(LATEST)
    })

    test('asks for the configured maxEntries, and reads the finalized block when asked', () => {
      const config = configWith({ maxEntries: 1, readBlock: 'finalized' })
      const chain = mockChain(BACKED)
      onCron(runtimeFor(config), cronPayload)
      const checkData = AbiCoder.defaultAbiCoder().encode(['uint256'], [1]) as Hex
      expect(bytesToHex(chain.reads[0].call!.data)).toBe(
        guardAbi.encodeFunctionData('checkUpkeep', [checkData]) as Hex,
      )
      expect(protoBigIntToBigint(chain.reads[0].blockNumber!)).toBe(FINALIZED)
    })

    test('writes nothing when every asset is backed', () => {
      const config = configWith()
      const chain = mockChain(BACKED)
      const runtime = runtimeFor(config)
      expect(onCron(runtime, cronPayload)).toBe('backed')
      expect(chain.writes).toHaveLength(0)
      expect(runtime.getLogs().join('\n')).toContain('nothing to report')
    })

    test('writes nothing when upkeepNeeded is false, whatever performData holds', () => {
      const config = configWith()
      const chain = mockChain({ upkeepNeeded: false, performData: SHORT.performData })
      onCron(runtimeFor(config), cronPayload)
      expect(chain.writes).toHaveLength(0)
    })

    test('fails, writing nothing, when there is no contract at the guard address', () => {
      const config = configWith()
      const evm = EvmMock.testInstance(SELECTOR)
      evm.callContract = () => create(EVM_PB.CallContractReplySchema, { data: new Uint8Array() })
      evm.writeReport = () => {
        throw new Error('must not write')
      }
      expect(() => onCron(runtimeFor(config), cronPayload)).toThrow('returned no data')
    })

    test('fails when upkeepNeeded comes with empty performData', () => {
      const config = configWith()
      const chain = mockChain({ upkeepNeeded: true, performData: '0x' })
      expect(() => onCron(runtimeFor(config), cronPayload)).toThrow('empty performData')
      expect(chain.writes).toHaveLength(0)
    })
  })

  describe('the report', () => {
    test('its payload is exactly performData: abi.encode(uint256[] entries), target | index << 160', () => {
      const config = configWith()
      const chain = mockChain(SHORT)
      onCron(runtimeFor(config), cronPayload)
      const payload = reportPayload(chain.writes[0])
      expect(payload).toBe(SHORT.performData)
      const [entries] = AbiCoder.defaultAbiCoder().decode(['uint256[]'], payload) as unknown as [bigint[]]
      expect([...entries]).toEqual([BigInt(TOKEN_A), BigInt(TOKEN_B) | (3n << 160n)])
      expect(decodeGuardEntries(payload)).toEqual([...entries])
    })

    test('goes to the guard, with the configured gas limit', () => {
      const config = configWith({ gasLimit: '2750000' })
      const chain = mockChain(SHORT)
      onCron(runtimeFor(config), cronPayload)
      expect(bytesToHex(chain.writes[0].receiver)).toBe(GUARD)
      expect(chain.writes[0].gasConfig!.gasLimit).toBe(2_750_000n)
    })

    test('performData the workflow cannot read is still reported as is (the guard judges it)', () => {
      const config = configWith()
      const odd = { upkeepNeeded: true, performData: hexlify(new Uint8Array([1, 2, 3])) as Hex }
      const chain = mockChain(odd)
      const runtime = runtimeFor(config)
      onCron(runtime, cronPayload)
      expect(reportPayload(chain.writes[0])).toBe(odd.performData)
      expect(runtime.getLogs().join('\n')).toContain('not readable here')
    })

    test('a report the guard reverts on fails the execution', () => {
      const config = configWith()
      mockChain(SHORT, {
        receiverContractExecutionStatus: 'RECEIVER_CONTRACT_EXECUTION_STATUS_REVERTED',
        errorMessage: 'UnknownWorkflow()',
      })
      expect(() => onCron(runtimeFor(config), cronPayload)).toThrow(
        `report to ${GUARD} refused: the receiver reverted: UnknownWorkflow()`,
      )
    })

    test('a report whose transaction fails fails the execution', () => {
      const config = configWith()
      mockChain(SHORT, { txStatus: 'TX_STATUS_REVERTED' })
      expect(() => onCron(runtimeFor(config), cronPayload)).toThrow('transaction REVERTED')
    })
  })
})
