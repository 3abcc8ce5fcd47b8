/**
 * `--scenario stale-feed`: the feed stops. Its answer ages; past the guard's heartbeat the guard has no fresh
 * reading, and, fail-closed, the conditional upkeep pauses mint and redeem (a stale figure could hide a
 * shortfall); a mint and an unpause are refused meanwhile. When the feed resumes the guard finds USDX backed
 * again, and an unpauser lifts the pause.
 */
import { eventsNamed } from '#chain/events'
import { Operation, Reason, Verdict, enumName, toResult } from '#chain/types'
import { guardVerdict, isPaused, pauseIn, unpauseRefusal, unpauseThroughGuard } from '../guard'
import { blocksLater } from '../report'
import { revertOf } from '../tx'
import { check } from '../steps'
import { TimelineRecorder, type Scenario } from './timeline'
import { BRING_UP, bringUp, usd, usdx, usdxPlan } from './world'

const PLAN = [
  BRING_UP,
  'the feed stops',
  'the heartbeat passes: paused',
  'the feed resumes',
  'unpaused',
] as const

/** How far the clock moves while the feed is merely quiet: half an hour, well within the heartbeat. */
const QUIET_SECONDS = 1_800

export const staleFeed: Scenario = {
  name: 'stale-feed',
  title:
    'Stale feed: the feed stops; after its heartbeat the token is paused; when it resumes, an unpause is possible',
  summary:
    'the feed stops; past its heartbeat the guard pauses USDX (fail-closed); the feed resumes and an unpauser lifts the pause',

  async run(context) {
    const recorder = new TimelineRecorder(this, context.say, PLAN)
    const world = await bringUp(context, recorder, usdxPlan())
    if (!world) return recorder.finish()
    const token = await world.token.getAddress()
    const rules = world.rules
    let lastUpdate = 0

    await recorder.step(
      'the feed stops',
      `the oracle network stops writing; ${QUIET_SECONDS} s later the feed's answer is older, still within the guard's ` +
        `heartbeat of ${rules.guardHeartbeatSeconds} s: nothing happens`,
      async (s) => {
        const [, , , updatedAt] = await world.feed.proxy.latestRoundData()
        lastUpdate = Number(updatedAt)
        const block = await world.advance(QUIET_SECONDS)
        await world.don.through(block)
        const time = (await world.provider.getBlock(block))!.timestamp
        const status = await guardVerdict(world.guard, token)
        s.say(
          `block ${block}: the answer is ${time - lastUpdate} s old; the runner checked the upkeeps: nothing to do`,
        )
        check(status.verdict === 'Backed', `the guard finds USDX ${status.verdict} (${status.reason})`)
        check(!(await isPaused(world.guard, token)), 'USDX is paused')
        check(
          world.don.since(block).every((tick) => tick.performs.length === 0),
          'an upkeep performed',
        )
        s.fact('ageSeconds', time - lastUpdate)
        return `the answer is ${time - lastUpdate} s old, under the ${rules.guardHeartbeatSeconds} s heartbeat: backed, not paused`
      },
    )

    await recorder.step(
      'the heartbeat passes: paused',
      `past ${rules.guardHeartbeatSeconds} s the guard has no fresh reading; USDX is fail-closed, so its check says ` +
        'Short (StaleReserves) and the conditional upkeep pauses mint and redeem; a mint and an unpause are refused',
      async (s) => {
        const now = (await world.provider.getBlock('latest'))!.timestamp
        const block = await world.advance(lastUpdate + rules.guardHeartbeatSeconds + 1 - now)
        const stale = toResult(await world.guard.assetStatus(token, { blockTag: block }))
        const [, , , updatedAt] = await world.feed.proxy.latestRoundData({ blockTag: block })
        const time = (await world.provider.getBlock(block))!.timestamp
        s.say(
          `block ${block}: the answer is ${time - Number(updatedAt)} s old; the guard's check: ${enumName(Verdict, stale.verdict)} (${enumName(Reason, stale.reason)})`,
        )
        check(
          stale.reason === Reason.StaleReserves,
          `the guard's check at block ${block} says ${enumName(Reason, stale.reason)}`,
        )
        const perform = await world.don.perform(block, (p) => pauseIn(p.guardEvents, token) !== undefined)
        const paused = pauseIn(perform.guardEvents, token)!
        s.say(
          `block ${perform.block}: upkeep ${perform.upkeepId.toString().slice(0, 12)}… performs: AssetPaused(${paused.reason})`,
        )
        const mint = await revertOf(
          world.token.connect(world.accounts.issuer).mint.staticCall(world.accounts.customer.address, 1n),
        )
        const unpause = await unpauseRefusal(world.guard, world.accounts.unpauser, token)
        s.say(`a mint reverts with ${mint.name}(${mint.args.join(', ')}); unpauseAsset with ${unpause.name}`)
        check(paused.reason === 'StaleReserves', `the guard paused for ${paused.reason}`)
        check(perform.upkeepId === world.upkeeps.conditional.id, 'the pause was not the conditional upkeep’s')
        check(
          (await world.token.pausedOperations()) === (Operation.Mint | Operation.Redeem),
          'mint and redeem are not both paused',
        )
        check(mint.name === 'OperationPaused', `a mint reverts with ${mint.name}`)
        check(unpause.name === 'AssetNotBacked', `an unpause reverts with ${unpause.name}`)
        s.fact('pause', {
          block: perform.block,
          tx: perform.txHash,
          reason: paused.reason,
          blocksAfterStale: perform.block - block,
        })
        return `stale at block ${block}; paused at block ${perform.block} (${blocksLater(perform.block - block)}) for StaleReserves`
      },
    )

    await recorder.step(
      'the feed resumes',
      'the oracle network writes again: the same figure, since its own heartbeat is past; the guard finds USDX backed; ' +
        'the log-trigger upkeep checks the new round and does not perform (unpausing is for a person)',
      async (s) => {
        const round = await world.updater.round()
        check(round.update !== undefined, `the round wrote nothing: ${round.why}`)
        s.say(
          `the feed updater: ${usd(round.observation.reserves)}; ${round.why}: round ${round.update.roundId}, block ${round.update.block}`,
        )
        const ticks = await world.don.through(round.update.block)
        const logCheck = ticks
          .flatMap((t) => t.checks)
          .find((c) => c.trigger === 'log' && c.log?.txHash === round.update!.hash)
        const status = await guardVerdict(world.guard, token)
        check(
          logCheck !== undefined && !logCheck.upkeepNeeded,
          'the log-trigger upkeep did not check the new round, or wants to perform',
        )
        check(status.verdict === 'Backed', `the guard finds USDX ${status.verdict} (${status.reason})`)
        check(await isPaused(world.guard, token), 'USDX was unpaused without anyone asking')
        return `new round at block ${round.update.block}: backed again (${usd(status.reserves)} for ${usdx(status.supply)}), still paused`
      },
    )

    await recorder.step(
      'unpaused',
      "the unpauser lifts the upkeep's pause through the guard (it checks USDX is backed first); a mint goes through",
      async (s) => {
        const { unpauser, issuer, customer } = world.accounts
        const unpaused = await unpauseThroughGuard(world.guard, unpauser, token)
        const minted = await world.mint(10n ** 8n)
        const receipt = (await world.provider.getTransactionReceipt(minted.hash))!
        check(eventsNamed(receipt, world.token, 'Transfer').length === 1, 'the mint transferred nothing')
        check((await world.token.pausedOperations()) === 0n, 'an operation is still paused')
        check(unpaused.by === unpauser.address, 'someone else unpaused')
        s.say(
          `unpauseAsset by ${unpaused.by} at block ${unpaused.block}; mint(1 USDX) by ${issuer.address.slice(0, 10)}… to ${customer.address.slice(0, 10)}… at block ${minted.block}`,
        )
        s.fact('unpause', { block: unpaused.block, by: unpaused.by })
        return `unpaused at block ${unpaused.block} (reserves ${usd(unpaused.reserves)}, supply ${usdx(unpaused.supply)}); a mint succeeds at block ${minted.block}`
      },
    )
    return recorder.finish()
  },
}
