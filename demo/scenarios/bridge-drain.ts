/**
 * `--scenario bridge-drain`: wBTK is a wrapped token whose reserves, BTK, are locked on another chain (chain B)
 * in the bridge's custodian wallets (demo/scenarios/bridge-world.ts). The lock side is drained: a custodian's
 * BTK is moved out. The proof-of-reserves composite, reading the custodians' balances at one block of chain B,
 * answers the remainder; the oracle network's stand-in writes it (the answer deviates far past its threshold);
 * the feed drops under wBTK's supply, and the log-trigger upkeep, checking the new round, has the guard pause
 * mint and redeem: no wBTK can be minted or redeemed against reserves that are gone.
 */
import { Wallet } from 'ethers'
import { Operation, Reason, Verdict, enumName, toResult } from '#chain/types'
import { isPaused, pauseIn, unpauseRefusal } from '../guard'
import { ratioPercent } from '../report'
import { revertOf } from '../tx'
import { btk, wrappedPlan } from './bridge-world'
import { check } from '../steps'
import { TimelineRecorder, type Scenario } from './timeline'
import { bringUp, bringUpLabel } from './world'

const PLAN = [
  bringUpLabel('wBTK'),
  'the lock side is drained',
  'the feed drops',
  'the guard pauses mint and redeem',
] as const

/** The custodian wallet drained: the first, holding 620 of the 1,020.12… BTK. */
const DRAINED = 0

export const bridgeDrain: Scenario = {
  name: 'bridge-drain',
  title:
    'Bridge drain: the reserves locked on another chain are moved out; the composite sees it, the feed drops, the guard pauses mint and redeem',
  summary:
    "wBTK's reserves locked on chain B are drained: the proof-of-reserves adapter reads the remainder, the feed drops, and the guard pauses mint and redeem",

  async run(context) {
    const recorder = new TimelineRecorder(this, context.say, PLAN)
    const world = await bringUp(context, recorder, wrappedPlan())
    if (!world) return recorder.finish()
    const token = await world.token.getAddress()
    let remaining = 0n
    let roundBlock = 0

    await recorder.step(
      'the lock side is drained',
      `a transfer out of a custodian wallet on chain B moves its BTK away; the proof-of-reserves adapter, asked after it, ` +
        "reads the custodians' balances at a block of chain B at or after the transfer and answers what is left",
      async (s) => {
        const thief = Wallet.createRandom().address
        const drained = await world.drain(DRAINED, thief)
        const asked = Date.now()
        s.say(
          `chain B, block ${drained.block}: ${btk(drained.amount)} leave custodian ${world.custodians[DRAINED].address.slice(0, 10)}… for ${thief.slice(0, 10)}… (tx ${drained.hash.slice(0, 12)}…)`,
        )
        const read = await world.observe(asked)
        remaining = await world.reservesHeld()
        s.say(
          `the adapter: ${world.reserveText(read.reserves)} in ${read.addressCount} custodian wallets at block ${read.lockBlock} of chain B`,
        )
        check(drained.amount > 0n, 'the custodian held nothing to drain')
        check(
          read.lockBlock >= drained.block,
          `the adapter read chain B at block ${read.lockBlock}, before the drain`,
        )
        check(
          read.reserves === remaining,
          `the adapter answers ${world.reserveText(read.reserves)}; the custodians hold ${world.reserveText(remaining)}`,
        )
        s.fact('drain', {
          block: drained.block,
          tx: drained.hash,
          amount: drained.amount.toString(),
          to: thief,
        })
        s.fact('adapter', { reserves: read.reserves.toString(), lockBlock: read.lockBlock })
        return `${btk(drained.amount)} drained at block ${drained.block} of chain B; the adapter answers ${world.reserveText(read.reserves)} (block ${read.lockBlock})`
      },
    )

    await recorder.step(
      'the feed drops',
      `the oracle network's stand-in reads the composite and writes the remainder: it deviates from the feed's answer by far more than the ${world.rules.deviationBps} bp threshold; ` +
        "the feed's answer falls under wBTK's supply",
      async (s) => {
        const round = await world.updater.round()
        check(round.update !== undefined, `the round wrote nothing: ${round.why}`)
        roundBlock = round.update.block
        s.say(
          `the feed updater: ${world.reserveText(round.observation.reserves)}; ${round.why}: round ${round.update.roundId}, block ${round.update.block}`,
        )
        const [, answer] = await world.feed.proxy.latestRoundData({ blockTag: round.update.block })
        const supply = await world.token.totalSupply({ blockTag: round.update.block })
        check(answer === remaining, `the feed answers ${world.reserveText(answer)}, not the remainder`)
        check(
          answer < supply,
          `the feed's ${world.reserveText(answer)} still covers ${world.supplyText(supply)}`,
        )
        s.fact('round', {
          block: round.update.block,
          roundId: round.update.roundId.toString(),
          answer: answer.toString(),
          previous: round.previous.answer.toString(),
          deviationPercent: round.deviationPercent,
        })
        return (
          `round ${round.update.roundId} at block ${round.update.block}: ${world.reserveText(round.previous.answer)} → ${world.reserveText(answer)} ` +
          `(${ratioPercent(answer, supply)} % of ${world.supplyText(supply)})`
        )
      },
    )

    await recorder.step(
      'the guard pauses mint and redeem',
      'the log-trigger upkeep checks the new round: the guard finds wBTK Short (InsufficientReserves) and pauses mint and redeem; ' +
        'a mint, a redemption and an unpause are refused',
      async (s) => {
        const status = toResult(await world.guard.assetStatus(token, { blockTag: roundBlock }))
        const perform = await world.don.perform(
          roundBlock,
          (p) => pauseIn(p.guardEvents, token) !== undefined,
        )
        const paused = pauseIn(perform.guardEvents, token)!
        s.say(
          `block ${perform.block}: upkeep ${perform.upkeepId.toString().slice(0, 12)}… performs through the registry: AssetPaused(${paused.reason})`,
        )
        const { issuer, customer, unpauser } = world.accounts
        const mint = await revertOf(world.token.connect(issuer).mint.staticCall(customer.address, 1n))
        const redeem = await revertOf(world.token.connect(customer).redeem.staticCall(1n, 'btk:lock-side'))
        const unpause = await unpauseRefusal(world.guard, unpauser, token)
        s.say(
          `a mint reverts with ${mint.name}, a redemption with ${redeem.name}; unpauseAsset with ${unpause.name}`,
        )
        check(
          status.verdict === Verdict.Short && status.reason === Reason.InsufficientReserves,
          `the guard's check says ${enumName(Verdict, status.verdict)} (${enumName(Reason, status.reason)})`,
        )
        check(paused.reason === 'InsufficientReserves', `the guard paused for ${paused.reason}`)
        check(perform.upkeepId === world.upkeeps.log.id, 'the pause was not the log-trigger upkeep’s')
        check(await isPaused(world.guard, token), 'wBTK is not paused')
        check(
          (await world.token.pausedOperations()) === (Operation.Mint | Operation.Redeem),
          'mint and redeem are not both paused',
        )
        check(mint.name === 'OperationPaused', `a mint reverts with ${mint.name}`)
        check(redeem.name === 'OperationPaused', `a redemption reverts with ${redeem.name}`)
        check(unpause.name === 'AssetNotBacked', `an unpause reverts with ${unpause.name}`)
        s.fact('pause', {
          block: perform.block,
          tx: perform.txHash,
          reason: paused.reason,
          upkeep: 'log',
          reserves: paused.reserves.toString(),
          supply: paused.supply.toString(),
        })
        return `paused at block ${perform.block} by the log-trigger upkeep for InsufficientReserves (${world.reserveText(paused.reserves)} for ${world.supplyText(paused.supply)})`
      },
    )
    return recorder.finish()
  },
}
