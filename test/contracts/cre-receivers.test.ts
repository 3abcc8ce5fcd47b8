/**
 * The CRE receivers on a local chain, with reports signed by a local DON and delivered through Chainlink's
 * own KeystoneForwarder (`@chainlink/contracts` 1.5.0): ReportReceiver on ReserveGuard (what is accepted,
 * what is refused and with which error, and that a guard report is performed exactly as performUpkeep), and
 * Chainlink's DataFeedsCache behind its proxy, written with the por-feed workflow's own encoder.
 *
 * The forwarder catches a receiver's revert (the report transaction succeeds, `ReportProcessed` says
 * `false` and the transmission is recorded as failed, open to another attempt), so each refusal is shown
 * twice: delivered through the forwarder, refused and without effect; and the receiver's custom error, from
 * the same `onReport` call the forwarder makes, simulated from the forwarder's address.
 */
import {
  AbiCoder,
  type BaseContract,
  Wallet,
  ZeroAddress,
  ZeroHash,
  dataSlice,
  id,
  toBeHex,
  type JsonRpcProvider,
  type Signer,
} from 'ethers'
import { reportReceiverAt, type IReportReceiver } from '#chain/contracts'
import { eventsNamed, eventsOf, mined } from '#chain/events'
import { Role } from '#chain/types'
import {
  deliver,
  deployLocalKeystone,
  receiverMetadata,
  signedReport,
  type LocalKeystone,
  type ReportCall,
  type ReportOrigin,
} from '#devkit/keystone'
import { decimalDataId, deployCreFeed, onChainWorkflowName, type CreFeed } from '#devkit/data-feeds'
import { localProvider } from '#devkit/local-chain'
import { decodeDecimalReports, encodeDecimalReports } from '#workflows/por-feed/report'
import { encodeGuardEntries, guardEntry } from '#workflows/reserve-guard/report'
import {
  PERFORM_GAS,
  TOKEN,
  actors,
  deployGuard,
  encodeTargets,
  named,
  protect,
  type Actors,
  type Guard,
} from './guard-fixture'
import { latestTimestamp, revertOf } from './helpers'

const coder = AbiCoder.defaultAbiCoder()
const DECIMALS = 8
/** IRouter.TransmissionState (KeystoneForwarder 1.5.0) */
const TransmissionState = { NotAttempted: 0n, Succeeded: 1n, InvalidReceiver: 2n, Failed: 3n } as const

let provider: JsonRpcProvider
let a: Actors
let admin: Signer
let adminAddress: string
/** Sends the DON's report transactions (any account may: the signatures are what the forwarder checks). */
let transmitter: Signer
let stranger: Signer
let keystone: LocalKeystone
/** A second, properly configured forwarder with its own DON: not the one the receivers are told about. */
let otherKeystone: LocalKeystone

const WORKFLOW_OWNER = Wallet.createRandom().address
const GUARD_WORKFLOW = id('reserve-guard workflow, build 1')
const POR_WORKFLOW = id('por-feed workflow, build 1')
const POR_WORKFLOW_NAME = 'por-feed'

beforeAll(async () => {
  provider = localProvider()
  a = await actors(provider)
  ;({ admin, adminAddress, stranger } = a)
  transmitter = a.forwarder
  keystone = await deployLocalKeystone(admin)
  otherKeystone = await deployLocalKeystone(admin, { donId: 2 })
})

afterAll(() => provider.destroy())

/** The selector XOR that `type(I).interfaceId` is, over the functions I declares itself. */
function interfaceId(signatures: string[]): string {
  return toBeHex(
    signatures.reduce((acc, s) => acc ^ BigInt(id(s).slice(0, 10)), 0n),
    4,
  )
}

const IRECEIVER = interfaceId(['onReport(bytes,bytes)'])
const IREPORT_RECEIVER = interfaceId([
  'setForwarder(address)',
  'allowWorkflow(bytes32,address)',
  'disallowWorkflow(bytes32,address)',
  'forwarder()',
  'isWorkflowAllowed(bytes32,address)',
])
const IERC165 = '0x01ffc9a7'
const IACCESS_CONTROL = '0x7965db0b'

/** The `onReport` arguments the forwarder passes for a report: bytes 45–108 and 109– of the raw report. */
function onReportArgs([, raw]: ReportCall): [string, string] {
  return [dataSlice(raw, 45, 109), dataSlice(raw, 109)]
}

/**
 * The custom error of the receiver's `onReport` for this report, called as the forwarder calls it (the
 * forwarder itself swallows it).
 */
async function refusal(receiver: BaseContract, call: ReportCall, name: string, from = keystone.address) {
  // Through the provider: a signer would refuse another `from`.
  const onReport = receiver.connect(provider).getFunction('onReport')
  return revertOf(onReport.staticCall(...onReportArgs(call), { from }), receiver, name)
}

/** Delivers through `via` and expects the forwarder to record a failed transmission. */
async function deliverRefused(call: ReportCall, via = keystone): Promise<void> {
  const { delivered } = await deliver(via, transmitter, call)
  expect(delivered).toBe(false)
}

const origin = (workflowId: string, workflowOwner = WORKFLOW_OWNER): ReportOrigin => ({
  workflowId,
  workflowOwner,
})

describe('ReportReceiver on ReserveGuard, through KeystoneForwarder', () => {
  let g: Guard
  let receiver: IReportReceiver

  beforeAll(async () => {
    g = await deployGuard(a)
    receiver = reportReceiverAt(g.address, admin)
  })

  it('answers ERC-165 for IReceiver, its own interface, AccessControl and ERC-165, and nothing else', async () => {
    for (const yes of [IRECEIVER, IREPORT_RECEIVER, IACCESS_CONTROL, IERC165]) {
      expect([yes, await g.guard.supportsInterface(yes)]).toEqual([yes, true])
    }
    for (const no of ['0xffffffff', '0x00000000', interfaceId(['performUpkeep(bytes)'])]) {
      expect([no, await g.guard.supportsInterface(no)]).toEqual([no, false])
    }
  })

  it('starts with no forwarder and no workflow, and refuses every report', async () => {
    expect(await g.guard.forwarder()).toBe(ZeroAddress)
    expect(await g.guard.isWorkflowAllowed(GUARD_WORKFLOW, WORKFLOW_OWNER)).toBe(false)
    const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), encodeTargets([]))
    expect(await refusal(g.guard, call, 'InvalidSender')).toEqual([keystone.address, ZeroAddress])
  })

  it('leaves the forwarder and the workflows to the receiver admin, with an event for each change', async () => {
    const strangerAddress = await stranger.getAddress()
    const asStranger = receiver.connect(stranger)
    const denied = [
      asStranger.setForwarder.staticCall(keystone.address),
      asStranger.allowWorkflow.staticCall(GUARD_WORKFLOW, WORKFLOW_OWNER),
      asStranger.disallowWorkflow.staticCall(GUARD_WORKFLOW, WORKFLOW_OWNER),
      // Not even the default admin, until it holds the role.
      receiver.setForwarder.staticCall(keystone.address),
    ]
    for (const call of denied) {
      const [account, role] = await revertOf(call, g.guard, 'AccessControlUnauthorizedAccount')
      expect([strangerAddress, adminAddress]).toContain(account)
      expect(role).toBe(Role.RECEIVER_ADMIN)
    }
    expect(await g.guard.RECEIVER_ADMIN_ROLE()).toBe(Role.RECEIVER_ADMIN)
    expect(await g.guard.getRoleAdmin(Role.RECEIVER_ADMIN)).toBe(Role.DEFAULT_ADMIN)
    await mined(g.guard.grantRole(Role.RECEIVER_ADMIN, adminAddress))

    expect(
      await revertOf(receiver.setForwarder.staticCall(strangerAddress), receiver, 'ForwarderNotAContract'),
    ).toEqual([strangerAddress])
    let receipt = await mined(receiver.setForwarder(keystone.address))
    expect(named(eventsOf(receipt, receiver))).toEqual([['ForwarderSet', ZeroAddress, keystone.address]])
    expect(await g.guard.forwarder()).toBe(keystone.address)

    for (const [workflowId, owner] of [
      [ZeroHash, WORKFLOW_OWNER],
      [GUARD_WORKFLOW, ZeroAddress],
    ]) {
      expect(
        await revertOf(receiver.allowWorkflow.staticCall(workflowId, owner), receiver, 'InvalidWorkflow'),
      ).toEqual([workflowId, owner])
    }
    receipt = await mined(receiver.allowWorkflow(GUARD_WORKFLOW, WORKFLOW_OWNER))
    expect(named(eventsOf(receipt, receiver))).toEqual([['WorkflowAllowed', GUARD_WORKFLOW, WORKFLOW_OWNER]])
    expect(await g.guard.isWorkflowAllowed(GUARD_WORKFLOW, WORKFLOW_OWNER)).toBe(true)
    expect(
      await revertOf(
        receiver.allowWorkflow.staticCall(GUARD_WORKFLOW, WORKFLOW_OWNER),
        receiver,
        'WorkflowAlreadyAllowed',
      ),
    ).toEqual([GUARD_WORKFLOW, WORKFLOW_OWNER])

    const other = id('another build')
    await mined(receiver.allowWorkflow(other, WORKFLOW_OWNER))
    receipt = await mined(receiver.disallowWorkflow(other, WORKFLOW_OWNER))
    expect(named(eventsOf(receipt, receiver))).toEqual([['WorkflowDisallowed', other, WORKFLOW_OWNER]])
    expect(await g.guard.isWorkflowAllowed(other, WORKFLOW_OWNER)).toBe(false)
    expect(
      await revertOf(
        receiver.disallowWorkflow.staticCall(other, WORKFLOW_OWNER),
        receiver,
        'WorkflowNotAllowed',
      ),
    ).toEqual([other, WORKFLOW_OWNER])
  })

  describe('with a short asset', () => {
    let target: string
    let payload: string

    beforeAll(async () => {
      ;({ target } = await protect(g, { reserves: 50n * TOKEN, supply: 100n * TOKEN }))
      const [upkeepNeeded, performData] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
      expect(upkeepNeeded).toBe(true)
      payload = performData
    })

    it('refuses a report of a workflow ID it was not told about', async () => {
      const call = signedReport(keystone, g.address, origin(id('some other workflow')), payload)
      expect(await refusal(g.guard, call, 'WorkflowNotAllowed')).toEqual([
        id('some other workflow'),
        WORKFLOW_OWNER,
      ])
      await deliverRefused(call)
      expect(await g.guard.isAssetPaused(target)).toBe(false)
    })

    it('refuses the allowed workflow ID under another owner', async () => {
      const impostor = Wallet.createRandom().address
      const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW, impostor), payload)
      expect(await refusal(g.guard, call, 'WorkflowNotAllowed')).toEqual([GUARD_WORKFLOW, impostor])
      await deliverRefused(call)
      const [, raw] = call
      const executionId = dataSlice(raw, 1, 33)
      expect((await keystone.forwarder.getTransmissionInfo(g.address, executionId, '0x0001')).state).toBe(
        TransmissionState.Failed,
      )
      expect(await g.guard.isAssetPaused(target)).toBe(false)
    })

    it('refuses a call that does not come from its forwarder: a direct call, and a second forwarder', async () => {
      const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), payload)
      const strangerAddress = await stranger.getAddress()
      // A direct call, with valid-looking metadata and payload.
      expect(await refusal(g.guard, call, 'InvalidSender', strangerAddress)).toEqual([
        strangerAddress,
        keystone.address,
      ])
      await expect(
        mined(receiver.connect(stranger).onReport(...onReportArgs(call), PERFORM_GAS)),
      ).rejects.toThrow()
      // A genuine KeystoneForwarder, whose own DON signed the report: not the forwarder the guard trusts.
      const elsewhere = signedReport(otherKeystone, g.address, origin(GUARD_WORKFLOW), payload)
      expect(await refusal(g.guard, elsewhere, 'InvalidSender', otherKeystone.address)).toEqual([
        otherKeystone.address,
        keystone.address,
      ])
      await deliverRefused(elsewhere, otherKeystone)
      expect(await g.guard.isAssetPaused(target)).toBe(false)
    })

    it('never sees a report with too few signatures, or one signed by a key outside the DON', async () => {
      const forwarder = keystone.forwarder.connect(transmitter)
      const tooFew = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), payload, { signatures: 1 })
      expect(
        await revertOf(forwarder.report.staticCall(...tooFew), forwarder, 'InvalidSignatureCount'),
      ).toEqual([2n, 1n])
      const outsider = Wallet.createRandom()
      const forged = signedReport(
        { ...keystone, don: { ...keystone.don, signers: [keystone.don.signers[0], outsider] } },
        g.address,
        origin(GUARD_WORKFLOW),
        payload,
      )
      expect(await revertOf(forwarder.report.staticCall(...forged), forwarder, 'InvalidSigner')).toEqual([
        outsider.address,
      ])
      expect(await g.guard.isAssetPaused(target)).toBe(false)
    })

    it('refuses metadata that is not the forwarder layout', async () => {
      const [metadata, report] = onReportArgs(
        signedReport(keystone, g.address, origin(GUARD_WORKFLOW), payload),
      )
      expect(
        await revertOf(
          (receiver.connect(provider) as IReportReceiver).onReport.staticCall(
            dataSlice(metadata, 0, 62),
            report,
            {
              from: keystone.address,
            },
          ),
          receiver,
          'InvalidMetadataLength',
        ),
      ).toEqual([62n])
    })

    it('refuses a payload that is not performData, as performUpkeep does', async () => {
      const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), coder.encode(['uint256'], [1n]))
      await refusal(g.guard, call, 'InvalidPerformData')
      await deliverRefused(call)
    })

    it('re-checks every listed asset on-chain: a backed asset and an unknown address are left alone', async () => {
      const backed = await protect(g)
      const unknown = Wallet.createRandom().address
      const call = signedReport(
        keystone,
        g.address,
        origin(GUARD_WORKFLOW),
        encodeGuardEntries([
          guardEntry(backed.target as `0x${string}`, 1n),
          guardEntry(unknown as `0x${string}`, 0n),
        ]),
      )
      const { delivered, receipt } = await deliver(keystone, transmitter, call)
      expect(delivered).toBe(true)
      expect(eventsOf(receipt, g.guard)).toEqual([])
      expect(await g.guard.isAssetPaused(backed.target)).toBe(false)
    })

    it("pauses the short asset on the allowed workflow's signed report, and a replay is refused", async () => {
      const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), payload)
      const { delivered, receipt } = await deliver(keystone, transmitter, call)
      expect(delivered).toBe(true)
      const [paused, ...more] = eventsNamed(receipt, g.guard, 'AssetPaused')
      expect(more).toEqual([])
      expect([paused.target, paused.reserves, paused.supply]).toEqual([target, 50n * TOKEN, 100n * TOKEN])
      expect(await g.guard.isAssetPaused(target)).toBe(true)
      // The upkeep's hold, exactly as performUpkeep places it: an unpauser lifts it once the asset is backed.
      expect((await g.guard.pauseHolds(target))[0]).toBe(true)

      const forwarder = keystone.forwarder.connect(transmitter)
      const [transmissionId] = await revertOf(
        forwarder.report.staticCall(...call),
        forwarder,
        'AlreadyAttempted',
      )
      const [, raw] = call
      expect(transmissionId).toBe(
        await forwarder.getTransmissionId(g.address, dataSlice(raw, 1, 33), '0x0001'),
      )
    })

    it('refuses a workflow once disallowed', async () => {
      await mined(receiver.disallowWorkflow(GUARD_WORKFLOW, WORKFLOW_OWNER))
      const call = signedReport(keystone, g.address, origin(GUARD_WORKFLOW), encodeTargets([]))
      expect(await refusal(g.guard, call, 'WorkflowNotAllowed')).toEqual([GUARD_WORKFLOW, WORKFLOW_OWNER])
      await mined(receiver.allowWorkflow(GUARD_WORKFLOW, WORKFLOW_OWNER))
    })
  })
})

describe("Chainlink's DataFeedsCache behind EACAggregatorProxy, through KeystoneForwarder", () => {
  let feed: CreFeed
  /** The DON's transmissions land in the cache; readers read the proxy. */
  let cacheAddress: string
  /** Round ids read through the proxy carry its phase (1) above the cache's round. */
  const PHASE = 1n << 64n
  const porOrigin = (overrides: Partial<ReportOrigin> = {}): ReportOrigin => ({
    workflowId: POR_WORKFLOW,
    workflowOwner: WORKFLOW_OWNER,
    workflowName: onChainWorkflowName(POR_WORKFLOW_NAME),
    ...overrides,
  })

  /** A report of the por-feed workflow, as its encoder writes it. */
  const porReport = (answer: bigint, timestamp: bigint, origin = porOrigin(), dataId = feed.dataId) =>
    signedReport(keystone, cacheAddress, origin, encodeDecimalReports([{ dataId, timestamp, answer }]))

  const latest = async () => [...(await feed.proxy.latestRoundData())]

  beforeAll(async () => {
    feed = await deployCreFeed(admin, {
      decimals: DECIMALS,
      description: 'Reserves of sBTC (CRE)',
      writers: [
        { forwarder: keystone.address, workflowOwner: WORKFLOW_OWNER, workflowName: POR_WORKFLOW_NAME },
      ],
    })
    cacheAddress = feed.cacheAddress
  })

  it('is a decimal feed written by one workflow (forwarder, owner, name) and read through its proxy', async () => {
    expect(await feed.cache.typeAndVersion()).toBe('DataFeedsCache 1.0.0')
    expect(await feed.cache.getDataIdForProxy(feed.proxyAddress)).toBe(feed.dataId)
    const [writer, ...others] = await feed.cache.getFeedMetadata(feed.dataId, 0n, 0n)
    expect(others).toEqual([])
    expect([...writer]).toEqual([keystone.address, WORKFLOW_OWNER, onChainWorkflowName(POR_WORKFLOW_NAME)])
    // CRE's on-chain workflow name: the first ten hex digits of the name's SHA-256, as ASCII
    expect(onChainWorkflowName('my_workflow')).toMatch(/^0x([0-9a-f]{2}){10}$/)
    expect(Buffer.from(onChainWorkflowName(POR_WORKFLOW_NAME).slice(2), 'hex').toString()).toMatch(
      /^[0-9a-f]{10}$/,
    )
    // The proxy reads as any Data Feed: decimals from the data id, the description, no answer yet.
    expect(await feed.proxy.decimals()).toBe(BigInt(DECIMALS))
    expect(await feed.proxy.description()).toBe('Reserves of sBTC (CRE)')
    expect(await latest()).toEqual([PHASE, 0n, 0n, 0n, PHASE])
    // The cache answers only the proxies mapped to a feed.
    const asStranger = feed.cache.connect(stranger)
    expect(await revertOf(asStranger.latestRoundData(), feed.cache, 'NoMappingForSender')).toEqual([
      await stranger.getAddress(),
    ])
  })

  it('takes a signed report of the allowed workflow as a new round, with the events of an aggregator', async () => {
    const timestamp = await latestTimestamp(provider)
    const call = porReport(123_456_789n, timestamp)
    const { delivered, receipt } = await deliver(keystone, transmitter, call)
    expect(delivered).toBe(true)
    const block = await provider.getBlock(receipt.blockNumber)
    expect(named(eventsOf(receipt, feed.cache))).toEqual([
      ['DecimalReportUpdated', feed.dataId, 1n, timestamp, 123_456_789n],
      ['NewRound', 1n, ZeroAddress, timestamp],
      // updatedAt here is the block's time; the round's updatedAt (read below) is the report's timestamp
      ['AnswerUpdated', 123_456_789n, 1n, BigInt(block!.timestamp)],
    ])
    const round = [PHASE + 1n, 123_456_789n, timestamp, timestamp, PHASE + 1n]
    expect(await latest()).toEqual(round)
    expect([...(await feed.proxy.getRoundData(PHASE + 1n))]).toEqual(round)
    expect(await feed.proxy.latestAnswer()).toBe(123_456_789n)
    const [, raw] = call
    const info = await keystone.forwarder.getTransmissionInfo(cacheAddress, dataSlice(raw, 1, 33), '0x0001')
    expect(info.state).toBe(TransmissionState.Succeeded)
  })

  it('takes an empty reserve (zero), and the reports of a new build of the same workflow', async () => {
    // The permission names the workflow (owner and name), not its build: a new workflow ID writes too.
    const rebuilt = porOrigin({ workflowId: id('por-feed workflow, build 2') })
    expect(
      (await deliver(keystone, transmitter, porReport(0n, await latestTimestamp(provider), rebuilt)))
        .delivered,
    ).toBe(true)
    expect((await latest())[1]).toBe(0n)
    const timestamp = await latestTimestamp(provider)
    expect((await deliver(keystone, transmitter, porReport(100n * TOKEN, timestamp))).delivered).toBe(true)
    expect(await latest()).toEqual([PHASE + 3n, 100n * TOKEN, timestamp, timestamp, PHASE + 3n])
  })

  describe('skips, without reverting, a report it may not take: the feed stays as it was', () => {
    let before: unknown[]

    beforeEach(async () => {
      before = await latest()
    })

    afterEach(async () => {
      expect(await latest()).toEqual(before)
    })

    /** The cache's events for a delivered report that wrote nothing (the transmission is final). */
    async function skipped(call: ReportCall, via = keystone) {
      const { delivered, receipt } = await deliver(via, transmitter, call)
      expect(delivered).toBe(true)
      return named(eventsOf(receipt, feed.cache))
    }

    it('a report not newer than the answer it holds (the same timestamp, or older)', async () => {
      const held = before[3] as bigint
      for (const timestamp of [held, held - 60n]) {
        expect(await skipped(porReport(1n, timestamp))).toEqual([
          ['StaleDecimalReport', feed.dataId, timestamp, held],
        ])
      }
    })

    it('another workflow name, another owner, another forwarder, another data id', async () => {
      const now = await latestTimestamp(provider)
      const impostor = Wallet.createRandom().address
      const refusals: [ReportCall, LocalKeystone, string, string, string][] = [
        [
          porReport(1n, now, porOrigin({ workflowName: onChainWorkflowName('reserve-guard') })),
          keystone,
          keystone.address,
          WORKFLOW_OWNER,
          onChainWorkflowName('reserve-guard'),
        ],
        [
          porReport(1n, now, porOrigin({ workflowOwner: impostor })),
          keystone,
          keystone.address,
          impostor,
          onChainWorkflowName(POR_WORKFLOW_NAME),
        ],
        [
          signedReport(
            otherKeystone,
            cacheAddress,
            porOrigin(),
            encodeDecimalReports([{ dataId: feed.dataId, timestamp: now, answer: 1n }]),
          ),
          otherKeystone,
          otherKeystone.address,
          WORKFLOW_OWNER,
          onChainWorkflowName(POR_WORKFLOW_NAME),
        ],
      ]
      for (const [call, via, sender, owner, name] of refusals) {
        expect(await skipped(call, via)).toEqual([
          ['InvalidUpdatePermission', feed.dataId, sender, owner, name],
        ])
      }
      const otherId = decimalDataId(DECIMALS, 'another feed')
      expect(await skipped(porReport(1n, now, porOrigin(), otherId))).toEqual([
        [
          'InvalidUpdatePermission',
          otherId,
          keystone.address,
          WORKFLOW_OWNER,
          onChainWorkflowName(POR_WORKFLOW_NAME),
        ],
      ])
    })
  })

  it('reverts on a payload it cannot decode (the old three-word format, nothing): the forwarder records a failure', async () => {
    const now = await latestTimestamp(provider)
    const before = await latest()
    for (const payload of [coder.encode(['int256', 'uint8', 'uint64'], [1n, DECIMALS, now]), '0x']) {
      const call = signedReport(keystone, cacheAddress, porOrigin(), payload)
      const { delivered } = await deliver(keystone, transmitter, call)
      expect(delivered).toBe(false)
      const [, raw] = call
      const info = await keystone.forwarder.getTransmissionInfo(cacheAddress, dataSlice(raw, 1, 33), '0x0001')
      expect(info.state).toBe(TransmissionState.Failed)
    }
    expect(await latest()).toEqual(before)
    expect(decodeDecimalReports(encodeDecimalReports([]))).toEqual([])
  })

  it('cannot be starved: a stranger sending the report with the least gas the forwarder routes it with writes it', async () => {
    const timestamp = await latestTimestamp(provider)
    const call = porReport(77n * TOKEN, timestamp)
    const [, raw] = call
    const forwarder = keystone.forwarder.connect(stranger)
    // Below this the forwarder reverts InsufficientGasForRouting (the receiver must get 130,000 gas, less the
    // ERC-165 check); the estimate is the least gas with which the transaction does not revert.
    const least = Number(await forwarder.report.estimateGas(...call))
    await expect(mined(forwarder.report(...call, { gasLimit: least - 1_000 }))).rejects.toThrow(
      'InsufficientGasForRouting',
    )
    const { delivered } = await deliver(keystone, stranger, call, { gasLimit: least })
    expect(delivered).toBe(true)
    expect(await latest()).toEqual([PHASE + 4n, 77n * TOKEN, timestamp, timestamp, PHASE + 4n])
    const info = await keystone.forwarder.getTransmissionInfo(cacheAddress, dataSlice(raw, 1, 33), '0x0001')
    expect([info.state, info.transmitter]).toEqual([TransmissionState.Succeeded, await stranger.getAddress()])
    // The DON's own delivery then finds it done: the report landed as signed, whoever sent it.
    await revertOf(
      keystone.forwarder.connect(transmitter).report.staticCall(...call),
      forwarder,
      'AlreadyAttempted',
    )
  })

  it("who can rewrite or re-point the feed, at once: the cache's feed admin (see docs/contracts.md)", async () => {
    const own = await deployCreFeed(admin, {
      decimals: DECIMALS,
      description: 'a feed to re-point',
      writers: [
        { forwarder: keystone.address, workflowOwner: WORKFLOW_OWNER, workflowName: POR_WORKFLOW_NAME },
      ],
    })
    // The feed admin maps the proxy to another data id (here the first feed's): readers follow in one transaction.
    await mined(own.cache.updateDataIdMappingsForProxies([own.proxyAddress], [feed.dataId]))
    expect((await own.proxy.latestRoundData())[1]).toBe(0n) // the other cache holds nothing for that id
    // And allows itself as a writer, then writes any answer directly, without the DON.
    const adminAddress_ = await admin.getAddress()
    await mined(
      own.cache.setDecimalFeedConfigs(
        [own.dataId],
        ['a feed to re-point'],
        [
          {
            allowedSender: adminAddress_,
            allowedWorkflowOwner: adminAddress_,
            allowedWorkflowName: '0x00000000000000000001',
          },
        ],
      ),
    )
    await mined(own.cache.updateDataIdMappingsForProxies([own.proxyAddress], [own.dataId]))
    const metadata = receiverMetadata({
      workflowId: id('any'),
      workflowOwner: adminAddress_,
      workflowName: '0x00000000000000000001',
    })
    const forged = encodeDecimalReports([
      { dataId: own.dataId, timestamp: await latestTimestamp(provider), answer: 10n ** 30n },
    ])
    await mined(own.cache.onReport(metadata, forged))
    expect((await own.proxy.latestRoundData())[1]).toBe(10n ** 30n)
  })
})
