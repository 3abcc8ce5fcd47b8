/**
 * A guard report cannot be burnt. Anyone may send the DON's signed report to Chainlink's KeystoneForwarder
 * (1.5.0), with the gas they choose, and a delivery whose `onReport` returns is final (`AlreadyAttempted`). Before
 * issue 19 a stranger who saw the reserve-guard workflow's report could send it first with little gas (200,000 on 1.2.0): the
 * guard stopped before the first asset (`PerformGasExhausted`), the forwarder recorded a success, the DON's own
 * delivery was refused, and the short token stayed unpaused. Now `onReport` reverts when it lacks the gas for
 * its whole list (`ReportGasExhausted`): the forwarder records the delivery as failed and the DON's delivery
 * pauses. `performUpkeep`, whose gas only Automation's registry sets, still stops and leaves the rest.
 *
 * On a chain of its own: the sweep reverts the chain to a snapshot after each delivery.
 */
import { dataSlice, id, type NonceManager } from 'ethers'
import { eventsNamed, mined } from '#chain/events'
import { FeedFailure, Role, TargetBehaviour } from '#chain/types'
import {
  deliver,
  deployLocalKeystone,
  signedReport,
  type LocalKeystone,
  type ReportCall,
} from '#devkit/keystone'
import { MAX_ENTRIES, MIN_GAS_PER_ASSET, reportGasLimit } from '#workflows/reserve-guard/gas'
import {
  PERFORM_GAS,
  TOKEN,
  deployGuard,
  encodeTargets,
  onChainOfItsOwn,
  protect,
  protectTarget,
  type Actors,
  type Guard,
} from './guard-fixture'
import { revertOf } from './helpers'

/** IRouter.TransmissionState (KeystoneForwarder 1.5.0) */
const TransmissionState = { NotAttempted: 0n, Succeeded: 1n, InvalidReceiver: 2n, Failed: 3n } as const
const GUARD_WORKFLOW = id('reserve-guard workflow')

const own = onChainOfItsOwn()
let a: Actors
let keystone: LocalKeystone
let g: Guard
let workflowOwner: string
/** Three short tokens, in registry order. */
let targets: string[]
/** The guard's own checkUpkeep performData for them: what the reserve-guard workflow reports. */
let payload: string

beforeAll(async () => {
  a = own()
  keystone = await deployLocalKeystone(a.admin)
  g = await deployGuard(a)
  workflowOwner = a.adminAddress
  await mined(g.guard.grantRole(Role.RECEIVER_ADMIN, a.adminAddress))
  await mined(g.guard.setForwarder(keystone.address))
  await mined(g.guard.allowWorkflow(GUARD_WORKFLOW, workflowOwner))
  targets = []
  for (let i = 0; i < 3; i++) {
    targets.push((await protect(g, { reserves: 50n * TOKEN, supply: 100n * TOKEN })).target)
  }
  const [upkeepNeeded, performData] = (await g.guard.checkUpkeep('0x')) as [boolean, string]
  expect(upkeepNeeded).toBe(true)
  payload = performData
}, 120_000)

/** The DON's report of the guard's performData: signed once, deliverable by anyone. */
const report = (): ReportCall =>
  signedReport(keystone, g.address, { workflowId: GUARD_WORKFLOW, workflowOwner }, payload)

async function transmission(call: ReportCall) {
  const [, raw] = call
  return keystone.forwarder.getTransmissionInfo(g.address, dataSlice(raw, 1, 33), '0x0001')
}

async function pausedTargets(): Promise<string[]> {
  const paused: string[] = []
  for (const target of targets) if (await g.guard.isAssetPaused(target)) paused.push(target)
  return paused
}

/** Runs `body` and puts the chain back as it was (the signers' nonces with it). */
async function andRevert<T>(body: () => Promise<T>): Promise<T> {
  const snapshot = (await a.provider.send('evm_snapshot', [])) as string
  try {
    return await body()
  } finally {
    await a.provider.send('evm_revert', [snapshot])
    for (const signer of [a.admin, a.forwarder, a.stranger]) (signer as NonceManager).reset()
  }
}

it("a stranger's low-gas delivery fails and stays open; the DON's delivery then pauses every listed token", () =>
  andRevert(async () => {
    const call = report()
    // The attack: the signed report sent first, with as little gas as the forwarder routes it with (the
    // least gas with which the transaction does not revert: the forwarder catches the guard's revert).
    const least = Number(await keystone.forwarder.connect(a.stranger).report.estimateGas(...call))
    const attack = await deliver(keystone, a.stranger, call, { gasLimit: least })
    expect(attack.delivered).toBe(false)
    const failed = await transmission(call)
    expect([failed.state, failed.transmitter]).toEqual([
      TransmissionState.Failed,
      await a.stranger.getAddress(),
    ])
    expect(eventsNamed(attack.receipt, g.guard, 'PerformGasExhausted')).toEqual([])
    expect(await pausedTargets()).toEqual([])

    // Why: the guard's own error, from the onReport call the forwarder made (simulated from its address).
    const [, raw] = call
    const onReport = g.guard.connect(a.provider).getFunction('onReport')
    const minGasPerAsset = await g.guard.MIN_GAS_PER_ASSET()
    const [entry, needed, left] = await revertOf(
      onReport.staticCall(dataSlice(raw, 45, 109), dataSlice(raw, 109), {
        from: keystone.address,
        gasLimit: 150_000,
      }),
      g.guard,
      'ReportGasExhausted',
    )
    expect([entry, needed]).toEqual([0n, minGasPerAsset])
    expect(left as bigint).toBeLessThan(minGasPerAsset)

    // The DON's transmitter delivers the same report, with the gas its workflow config gives: every token paused.
    const don = await deliver(keystone, a.forwarder, call)
    expect(don.delivered).toBe(true)
    expect(eventsNamed(don.receipt, g.guard, 'AssetPaused').map((e) => e.target)).toEqual(targets)
    expect(await pausedTargets()).toEqual(targets)
    const succeeded = await transmission(call)
    expect([succeeded.state, succeeded.transmitter]).toEqual([
      TransmissionState.Succeeded,
      await a.forwarder.getAddress(),
    ])
    // Final now, whoever tries again.
    await revertOf(
      keystone.forwarder.connect(a.stranger).report.staticCall(...call),
      keystone.forwarder,
      'AlreadyAttempted',
    )
  }))

describe('at any gas, a delivery either pauses its whole list or fails and stays open', () => {
  /** What one delivery with `gasLimit` did, on the chain as it is now (put back afterwards). */
  const deliveryAt = (gasLimit: number) =>
    andRevert(async () => {
      const call = report()
      const { delivered } = await deliver(keystone, a.stranger, call, { gasLimit })
      return {
        gasLimit,
        delivered,
        state: (await transmission(call)).state,
        paused: (await pausedTargets()).length,
      }
    })

  it('from the least gas the forwarder routes a report with, up to more than the list needs', async () => {
    const least = Number(await keystone.forwarder.connect(a.stranger).report.estimateGas(...report()))
    const outcomes = []
    for (let gasLimit = least; gasLimit <= 1_300_000; gasLimit += 40_000)
      outcomes.push(await deliveryAt(gasLimit))
    for (const outcome of outcomes) {
      expect(outcome).toEqual(
        outcome.delivered
          ? { ...outcome, state: TransmissionState.Succeeded, paused: 3 }
          : { ...outcome, state: TransmissionState.Failed, paused: 0 },
      )
    }
    // Both kinds happened: too little gas fails, enough pauses all three.
    expect(outcomes[0].delivered).toBe(false)
    expect(outcomes[outcomes.length - 1].delivered).toBe(true)
  })

  it('performUpkeep keeps Automation’s semantics: with the gas for one asset it pauses that one and stops', async () => {
    const minGasPerAsset = Number(await g.guard.MIN_GAS_PER_ASSET())
    await andRevert(async () => {
      const receipt = await mined(g.asForwarder.performUpkeep(payload, { gasLimit: minGasPerAsset + 60_000 }))
      expect(eventsNamed(receipt, g.guard, 'AssetPaused').map((e) => e.target)).toEqual([targets[0]])
      const [stop] = eventsNamed(receipt, g.guard, 'PerformGasExhausted')
      expect([stop.handled, stop.listed]).toEqual([1n, 3n])
      // The next check lists the other two, and the next perform with its whole gas pauses them.
      const next = await mined(g.asForwarder.performUpkeep((await g.guard.checkUpkeep('0x'))[1], PERFORM_GAS))
      expect(eventsNamed(next, g.guard, 'AssetPaused').map((e) => e.target)).toEqual(targets.slice(1))
    })
  })
})

describe("the reserve-guard workflow's gas rule (workflows/reserve-guard/gas.ts), held to the guard and the forwarder", () => {
  it("takes the guard's MIN_GAS_PER_ASSET and MAX_ENTRIES", async () => {
    expect(await g.guard.MIN_GAS_PER_ASSET()).toBe(MIN_GAS_PER_ASSET)
    expect(await g.guard.MAX_ENTRIES()).toBe(BigInt(MAX_ENTRIES))
  })

  it('a report of n entries whose every call uses up its bound, delivered with reportGasLimit(n) through a DON of 31 signers, returns', async () => {
    // The largest DON the forwarder takes: 11 signatures to check.
    const bigDon = await deployLocalKeystone(a.admin, { donId: 2, f: 10 })
    const heavy = await deployGuard(a)
    await mined(heavy.guard.grantRole(Role.RECEIVER_ADMIN, a.adminAddress))
    await mined(heavy.guard.setForwarder(bigDon.address))
    await mined(heavy.guard.allowWorkflow(GUARD_WORKFLOW, workflowOwner))
    // Each short (its feed burns the gas of every read: a failed read, short under FailClosed), its supply read
    // burning its bound too, and its pause using most of its pause gas.
    const assets: string[] = []
    for (let i = 0; i < 4; i++) {
      const asset = await protectTarget(heavy)
      await mined(asset.feed.setFailure(FeedFailure.BurnGas))
      await mined(asset.target.setBehaviour(TargetBehaviour.BurnGasInSupply, 0))
      await mined(asset.target.setPauseCost(70_000))
      assets.push(asset.address)
    }
    for (const n of [1, 4]) {
      await andRevert(async () => {
        const call = signedReport(
          bigDon,
          heavy.address,
          { workflowId: GUARD_WORKFLOW, workflowOwner },
          encodeTargets(assets.slice(0, n)),
        )
        const { delivered, receipt } = await deliver(bigDon, a.stranger, call, {
          gasLimit: Number(reportGasLimit(n)),
        })
        expect({ n, delivered }).toEqual({ n, delivered: true })
        expect(eventsNamed(receipt, heavy.guard, 'AssetPaused').map((e) => e.target)).toEqual(
          assets.slice(0, n),
        )
      })
    }
  })
})
