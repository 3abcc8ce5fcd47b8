/**
 * The CRE receivers (ReportReceiver on ReserveGuard and CrePorFeed) on a local chain, with reports signed by
 * a local DON and delivered through Chainlink's own KeystoneForwarder (`@chainlink/contracts` 1.2.0): what
 * is accepted, what is refused (and with which error), and that a guard report is performed exactly as
 * performUpkeep.
 *
 * The forwarder catches a receiver's revert (the report transaction succeeds, `ReportProcessed` says
 * `false` and the transmission is recorded as failed), so each refusal is shown twice: delivered through the
 * forwarder, refused and without effect; and the receiver's custom error, from the same `onReport` call the
 * forwarder makes, simulated from the forwarder's address.
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
import {
  ARTIFACT,
  deployCrePorFeed,
  reportReceiverAt,
  type CrePorFeed,
  type IReportReceiver,
} from '#chain/contracts'
import { eventsNamed, eventsOf, mined } from '#chain/events'
import { Role } from '#chain/types'
import {
  deliver,
  deployLocalKeystone,
  signedReport,
  type LocalKeystone,
  type ReportCall,
  type ReportOrigin,
} from '#devkit/keystone'
import { localProvider } from '#devkit/local-chain'
import { encodePorReport } from '#workflows/por-feed/report'
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
import { latestTimestamp, revertOf, simulateDeploy } from './helpers'

const coder = AbiCoder.defaultAbiCoder()
const DECIMALS = 8
/** IRouter.TransmissionState */
const TransmissionState = { NotAttempted: 0n, Succeeded: 1n, Failed: 2n } as const

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
      expect(await keystone.forwarder.getTransmissionState(g.address, executionId, '0x0001')).toBe(
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

describe('CrePorFeed, through KeystoneForwarder', () => {
  let feed: CrePorFeed
  let address: string

  /** A report of the por-feed workflow, as its encoder writes it. */
  const porReport = (answer: bigint, observedAt: bigint, decimals = DECIMALS) =>
    signedReport(keystone, address, origin(POR_WORKFLOW), encodePorReport({ answer, decimals, observedAt }))

  /** Three raw words: what the encoder refuses to write. */
  const rawReport = (words: bigint[]) =>
    signedReport(
      keystone,
      address,
      origin(POR_WORKFLOW),
      coder.encode(['int256', 'uint256', 'uint256'], words),
    )

  beforeAll(async () => {
    feed = await deployCrePorFeed(admin, adminAddress, keystone.address, DECIMALS, 'Reserves of sBTC (CRE)')
    address = await feed.getAddress()
    await mined(feed.grantRole(Role.RECEIVER_ADMIN, adminAddress))
    await mined(feed.allowWorkflow(POR_WORKFLOW, WORKFLOW_OWNER))
  })

  it('is deployed with its forwarder, decimals and description, and has no round before the first report', async () => {
    expect(await feed.forwarder()).toBe(keystone.address)
    expect(await feed.decimals()).toBe(BigInt(DECIMALS))
    expect(await feed.description()).toBe('Reserves of sBTC (CRE)')
    expect(await feed.version()).toBe(1n)
    expect(await feed.latestObservedAt()).toBe(0n)
    expect(await revertOf(feed.latestRoundData(), feed, 'NoDataPresent')).toEqual([0n])
    for (const yes of [IRECEIVER, IREPORT_RECEIVER, IACCESS_CONTROL, IERC165]) {
      expect(await feed.supportsInterface(yes)).toBe(true)
    }
    expect(await feed.hasRole(Role.DEFAULT_ADMIN, adminAddress)).toBe(true)
  })

  it('refuses a zero admin and a forwarder that is not a contract', async () => {
    const args = [keystone.address, DECIMALS, 'x'] as const
    expect(
      await revertOf(simulateDeploy(admin, ARTIFACT.CrePorFeed, ZeroAddress, ...args), feed, 'InvalidAdmin'),
    ).toEqual([])
    const eoa = Wallet.createRandom().address
    expect(
      await revertOf(
        simulateDeploy(admin, ARTIFACT.CrePorFeed, adminAddress, eoa, DECIMALS, 'x'),
        feed,
        'ForwarderNotAContract',
      ),
    ).toEqual([eoa])
  })

  it('takes a signed report as a new round, with the events of an aggregator', async () => {
    const observedAt = await latestTimestamp(provider)
    const { delivered, receipt } = await deliver(keystone, transmitter, porReport(123_456_789n, observedAt))
    expect(delivered).toBe(true)
    expect(named(eventsOf(receipt, feed))).toEqual([
      ['NewRound', 1n, keystone.address, observedAt],
      ['AnswerUpdated', 123_456_789n, 1n, observedAt],
    ])
    const round = [1n, 123_456_789n, observedAt, observedAt, 1n]
    expect([...(await feed.latestRoundData())]).toEqual(round)
    expect([...(await feed.getRoundData(1n))]).toEqual(round)
    expect(await revertOf(feed.getRoundData(2n), feed, 'NoDataPresent')).toEqual([2n])
    expect(await feed.latestObservedAt()).toBe(observedAt)
  })

  it('takes an empty reserve (zero): a drained reserve must show', async () => {
    const observedAt = await latestTimestamp(provider)
    expect((await deliver(keystone, transmitter, porReport(0n, observedAt))).delivered).toBe(true)
    expect((await feed.latestRoundData())[1]).toBe(0n)
    expect(
      (await deliver(keystone, transmitter, porReport(100n * TOKEN, await latestTimestamp(provider))))
        .delivered,
    ).toBe(true)
  })

  describe('refuses, leaving the latest round as it was', () => {
    let before: unknown[]

    beforeEach(async () => {
      before = [...(await feed.latestRoundData())]
    })

    afterEach(async () => {
      expect([...(await feed.latestRoundData())]).toEqual(before)
    })

    /** The refusal's arguments, after checking the forwarder delivered it and recorded a failure. */
    async function refused(call: ReportCall, name: string, via = keystone): Promise<unknown[]> {
      const args = await refusal(feed, call, name, via.address)
      await deliverRefused(call, via)
      return args
    }

    it('a report not newer than the one it holds (older, or the same observation again)', async () => {
      const held = await feed.latestObservedAt()
      expect(await refused(porReport(1n, held), 'ReportNotNewer')).toEqual([held, held])
      expect(await refused(porReport(1n, held - 60n), 'ReportNotNewer')).toEqual([held - 60n, held])
    })

    it('a report observed in the future', async () => {
      const future = (await latestTimestamp(provider)) + 3_600n
      expect((await refused(porReport(1n, future), 'ObservedInFuture'))[0]).toBe(future)
    })

    it('other decimals than the feed’s', async () => {
      const now = await latestTimestamp(provider)
      expect(await refused(porReport(1n, now, 6), 'DecimalsMismatch')).toEqual([BigInt(DECIMALS), 6n])
    })

    it('a negative answer', async () => {
      const now = await latestTimestamp(provider)
      expect(await refused(porReport(-1n, now), 'NegativeAnswer')).toEqual([-1n])
    })

    it('a payload of the wrong length', async () => {
      const now = await latestTimestamp(provider)
      const words = encodePorReport({ answer: 1n, decimals: DECIMALS, observedAt: now })
      for (const payload of [`${words}00`, dataSlice(words, 0, 64), '0x']) {
        const call = signedReport(keystone, address, origin(POR_WORKFLOW), payload)
        expect(await refused(call, 'InvalidReportLength')).toEqual([BigInt((payload.length - 2) / 2)])
      }
    })

    it('words out of their types’ range (garbage)', async () => {
      const now = await latestTimestamp(provider)
      expect(await refused(rawReport([1n, 256n, now]), 'ReportWordOutOfRange')).toEqual([1n, 256n])
      expect(await refused(rawReport([1n, BigInt(DECIMALS), 1n << 64n]), 'ReportWordOutOfRange')).toEqual([
        2n,
        1n << 64n,
      ])
    })

    it('another workflow (the guard’s), another owner, another forwarder', async () => {
      const now = await latestTimestamp(provider)
      const payload = encodePorReport({ answer: 1n, decimals: DECIMALS, observedAt: now })
      const guardWorkflow = signedReport(keystone, address, origin(GUARD_WORKFLOW), payload)
      expect(await refused(guardWorkflow, 'WorkflowNotAllowed')).toEqual([GUARD_WORKFLOW, WORKFLOW_OWNER])
      const impostor = Wallet.createRandom().address
      const otherOwner = signedReport(keystone, address, origin(POR_WORKFLOW, impostor), payload)
      expect(await refused(otherOwner, 'WorkflowNotAllowed')).toEqual([POR_WORKFLOW, impostor])
      const elsewhere = signedReport(otherKeystone, address, origin(POR_WORKFLOW), payload)
      expect(await refused(elsewhere, 'InvalidSender', otherKeystone)).toEqual([
        otherKeystone.address,
        keystone.address,
      ])
    })
  })
})
