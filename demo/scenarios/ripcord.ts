/**
 * `--scenario ripcord`: the auditor raises its ripcord (it withdraws its attestation: the reserves can no longer
 * be vouched for). The attestation adapter drops its cached figure and answers 503; every round of the oracle
 * network fails at its bridge task, so the feed stops updating; once its answer is older than the guard's
 * heartbeat the guard has no fresh reading, and USDX being fail-closed, the conditional upkeep pauses it. Each
 * step says how long it took: wall clock for the adapter, chain time for the feed.
 */
import { Reason, Verdict, enumName, toResult } from '#chain/types'
import { isPaused, pauseIn } from '../guard'
import { blocksLater, seconds } from '../report'
import { UpdaterError } from '../updater'
import { check } from '../steps'
import { TimelineRecorder, type Scenario } from './timeline'
import { BRING_UP, CLIENT, DECIMALS, bringUp, usdxPlan } from './world'

const PLAN = [
  BRING_UP,
  'the auditor raises its ripcord',
  'the feed stops updating',
  'the feed goes stale',
  'the guard acts, fail-closed',
] as const

const RIPCORD_DETAILS = ['Reserves could not be verified']

export const ripcord: Scenario = {
  name: 'ripcord',
  title:
    'Ripcord: the auditor withdraws its attestation; the adapter answers 503, the feed stops and goes stale, the guard pauses',
  summary:
    'the auditor raises its ripcord: the adapter answers 503, the feed stops, goes stale, and the guard pauses USDX (fail-closed)',

  async run(context) {
    const recorder = new TimelineRecorder(this, context.say, PLAN)
    const world = await bringUp(context, recorder, usdxPlan())
    if (!world) return recorder.finish()
    const token = await world.token.getAddress()
    const request = { client: CLIENT, field: 'totalReserve', decimals: DECIMALS }
    let staleBlock = 0

    await recorder.step(
      'the auditor raises its ripcord',
      "the auditor's API says ripcord: true; the adapter drops its cached figure at its next background read and answers every request for it with a 503",
      async (s) => {
        world.attestation.ripcord = true
        world.attestation.ripcordDetails = RIPCORD_DETAILS
        const raised = Date.now()
        let answer = await world.adapter.bridge(request)
        while (answer.status === 200 && Date.now() - raised < 30_000) {
          await new Promise((resolve) => setTimeout(resolve, 25))
          answer = await world.adapter.bridge(request)
        }
        const took = Date.now() - raised
        const message = String(answer.body?.errorMessage ?? answer.text).slice(0, 160)
        s.say(`the adapter answers ${answer.status}: ${message}`)
        check(answer.status === 503, `the adapter answers ${answer.status}`)
        s.fact('adapterAnswer', { status: answer.status, afterMs: took })
        return `the adapter answers 503 ${seconds(took)} s after the auditor raised the ripcord`
      },
    )

    await recorder.step(
      'the feed stops updating',
      "the oracle network's round fails at its bridge task (a node's job fails on a 5xx): nothing is written, the feed keeps its last round",
      async (s) => {
        const before = await world.feed.aggregator.latestRound()
        let failure = ''
        try {
          await world.updater.round()
        } catch (error) {
          if (!(error instanceof UpdaterError)) throw error
          failure = error.message
        }
        s.say(`the feed updater's round: ${failure.slice(0, 160) || 'it wrote'}`)
        check(failure.includes('503'), 'the round did not fail on the 503')
        check((await world.feed.aggregator.latestRound()) === before, 'the feed was written')
        return `the round failed on the 503; the feed keeps round ${before}`
      },
    )

    await recorder.step(
      'the feed goes stale',
      `the chain's clock passes the guard's heartbeat of ${world.rules.guardHeartbeatSeconds} s with every round failing the same way; the guard's check has no fresh reading: Short (StaleReserves), fail-closed`,
      async (s) => {
        const [, , , updatedAt] = await world.feed.proxy.latestRoundData()
        const now = (await world.provider.getBlock('latest'))!.timestamp
        staleBlock = await world.advance(Number(updatedAt) + world.rules.guardHeartbeatSeconds + 1 - now)
        const status = toResult(await world.guard.assetStatus(token, { blockTag: staleBlock }))
        const time = (await world.provider.getBlock(staleBlock))!.timestamp
        const again = await world.updater.round().then(
          () => 'it wrote',
          (error: Error) => error.message.slice(0, 120),
        )
        s.say(`block ${staleBlock}: the answer is ${time - Number(updatedAt)} s old; another round: ${again}`)
        check(status.verdict === Verdict.Short, `the guard's check says ${enumName(Verdict, status.verdict)}`)
        check(
          status.reason === Reason.StaleReserves,
          `the guard's check says ${enumName(Reason, status.reason)}`,
        )
        s.fact('stale', { block: staleBlock, ageSeconds: time - Number(updatedAt) })
        return `stale at block ${staleBlock}: the answer is ${time - Number(updatedAt)} s old; the guard's check says Short (StaleReserves)`
      },
    )

    await recorder.step(
      'the guard acts, fail-closed',
      'the conditional upkeep, checked at the stale block, pauses mint and redeem through the registry: AssetPaused(StaleReserves)',
      async (s) => {
        const perform = await world.don.perform(
          staleBlock,
          (p) => pauseIn(p.guardEvents, token) !== undefined,
        )
        const paused = pauseIn(perform.guardEvents, token)!
        s.say(
          `block ${perform.block}: upkeep ${perform.upkeepId.toString().slice(0, 12)}… performs through the registry (tx ${perform.txHash.slice(0, 12)}…)`,
        )
        check(paused.reason === 'StaleReserves', `the guard paused for ${paused.reason}`)
        check(perform.upkeepId === world.upkeeps.conditional.id, 'the pause was not the conditional upkeep’s')
        check(await isPaused(world.guard, token), 'USDX is not paused')
        s.fact('pause', {
          block: perform.block,
          tx: perform.txHash,
          blocksAfterStale: perform.block - staleBlock,
        })
        return `paused at block ${perform.block} (${blocksLater(perform.block - staleBlock)} than the stale block) for StaleReserves`
      },
    )
    return recorder.finish()
  },
}
