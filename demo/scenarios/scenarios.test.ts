/**
 * Every scenario of demo/scenarios/index.ts, played as a user plays it (`npm run demo -- --scenario <name>
 * --json`, a child process with its own chain), and what each says it did; a step that does not happen as
 * described fails its scenario and stops it; an unknown scenario is a usage mistake.
 */
import { runDemo } from '../cli-process'
import { SCENARIOS } from './index'
import type { Snapshot } from '../../dashboard/snapshot'
import { runOvermint } from './overmint'
import { runScenario, runWithRunner } from './runner'
import { check } from '../steps'
import { TimelineRecorder, type Timeline } from './timeline'

const played = new Map<string, { code: number | null; timeline: Timeline; narration: string }>()

describe.each(SCENARIOS.map((s) => [s.name, s] as const))(
  'npm run demo -- --scenario %s',
  (name, scenario) => {
    beforeAll(async () => {
      const run = await runDemo(['--scenario', name, '--json'])
      // The narration says which step failed, and why.
      expect({ code: run.code, narration: run.code === 0 ? '' : run.stderr }).toEqual({
        code: 0,
        narration: '',
      })
      played.set(name, {
        code: run.code,
        timeline: JSON.parse(run.stdout) as Timeline,
        narration: run.stderr,
      })
    }, 180_000)

    it('does every step as described, narrating each, with its times', () => {
      const { timeline, narration } = played.get(name)!
      expect(timeline).toMatchObject({ scenario: name, title: scenario.title, ok: true, notRun: [] })
      for (const [i, step] of timeline.steps.entries()) {
        expect(step).toMatchObject({ ok: true })
        expect(step.ms).toBeGreaterThanOrEqual(0)
        expect(step.block).toBeGreaterThan(0)
        expect(narration).toContain(`[${i + 1}/${timeline.steps.length}] ${step.label}`)
        expect(narration).toContain(`should: ${step.expected}`)
      }
      expect(narration).toContain('Every step happened as described')
    })
  },
)

describe('what the scenarios say they did', () => {
  const facts = (name: string, label: string) =>
    played.get(name)!.timeline.steps.find((step) => step.label === label)!

  it('ripcord: the adapter answers 503, the feed goes stale past its heartbeat, the conditional upkeep pauses', () => {
    const ripcord = played.get('ripcord')!.timeline
    expect(ripcord.steps.map((s) => s.label)).toEqual([
      'USDX backed and watched',
      'the auditor raises its ripcord',
      'the feed stops updating',
      'the feed goes stale',
      'the guard acts, fail-closed',
    ])
    expect(facts('ripcord', 'the auditor raises its ripcord').facts.adapterAnswer).toMatchObject({
      status: 503,
    })
    const stale = facts('ripcord', 'the feed goes stale')
    // Stale at the end of the step, and made so by the step's own chain time: fresh before it.
    const { ageSeconds } = stale.facts.stale as { ageSeconds: number }
    expect(ageSeconds).toBeGreaterThan(3_900)
    expect(ageSeconds - stale.chainSeconds!).toBeLessThanOrEqual(3_900)
    const pause = facts('ripcord', 'the guard acts, fail-closed').facts.pause as {
      block: number
      blocksAfterStale: number
    }
    expect(pause.blocksAfterStale).toBeGreaterThanOrEqual(1)
    expect(pause.block).toBe((stale.facts.stale as { block: number }).block + pause.blocksAfterStale)
  })

  it('bridge-drain: the composite reads the drained lock side, the feed drops to it, the log-trigger upkeep pauses mint and redeem', () => {
    const bridge = played.get('bridge-drain')!.timeline
    expect(bridge.steps.map((s) => s.label)).toEqual([
      'wBTK backed and watched',
      'the lock side is drained',
      'the feed drops',
      'the guard pauses mint and redeem',
    ])
    const drained = facts('bridge-drain', 'the lock side is drained').facts as {
      drain: { block: number; amount: string }
      adapter: { reserves: string; lockBlock: number }
    }
    // 620 BTK of 1,020.123456789012345678 leave; the rest, rounded down to the feed's 8 decimals.
    expect(drained.drain.amount).toBe(String(620n * 10n ** 18n))
    expect(drained.adapter.reserves).toBe('40012345678')
    expect(drained.adapter.lockBlock).toBeGreaterThanOrEqual(drained.drain.block)
    const round = facts('bridge-drain', 'the feed drops').facts.round as {
      block: number
      answer: string
      previous: string
    }
    expect(round).toMatchObject({ previous: '102012345678', answer: '40012345678' })
    expect(facts('bridge-drain', 'the guard pauses mint and redeem').facts.pause).toMatchObject({
      reason: 'InsufficientReserves',
      upkeep: 'log',
      reserves: '40012345678',
      supply: String(1_000n * 10n ** 8n),
    })
  })

  it('stale-feed: paused for StaleReserves past the heartbeat, unpaused once the feed resumes', () => {
    expect(facts('stale-feed', 'the heartbeat passes: paused').facts.pause).toMatchObject({
      reason: 'StaleReserves',
    })
    expect(facts('stale-feed', 'the feed stops').facts.ageSeconds).toBeLessThan(3_900)
    expect(facts('stale-feed', 'unpaused').observed).toMatch(/a mint succeeds at block \d+/)
  })
})

describe('a scenario whose step does not happen as described', () => {
  it('fails, stops there, lists the steps not run, and closes what it started', async () => {
    let closed = false
    const run = await runScenario(
      {
        name: 'broken',
        title: 'Broken',
        summary: 'a step fails',
        async run(context) {
          context.onClose(async () => {
            closed = true
          })
          const recorder = new TimelineRecorder(this, context.say, ['one', 'two', 'three'])
          await recorder.step('one', 'happens', async () => 'it did')
          await recorder.step('two', 'the guard pauses', async () => {
            check(false, 'nothing was paused')
            return 'unreachable'
          })
          await recorder.step('three', 'never reached', async () => 'it did')
          return recorder.finish()
        },
      },
      { say: () => undefined, dashboard: false },
    )
    expect(run.timeline).toMatchObject({ ok: false, notRun: ['three'] })
    expect(run.timeline.steps.map((s) => [s.label, s.ok, s.observed])).toEqual([
      ['one', true, 'it did'],
      ['two', false, 'nothing was paused'],
    ])
    await run.close()
    expect(closed).toBe(true)
  })

  it('an unknown scenario is a usage mistake (exit 2) naming the scenarios', async () => {
    const run = await runDemo(['--scenario', 'nope'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(
      `unknown scenario nope: the scenarios are ${SCENARIOS.map((s) => s.name).join(', ')}`,
    )
  })
})

describe('the over-mint rehearsal with its dashboard (`--scenario overmint --dashboard`)', () => {
  it("serves the dashboard on the rehearsal's chain and guard, showing the mint-log pause and the unpause, until closed", async () => {
    const run = await runWithRunner((runner) => runOvermint({ runner }), {
      say: () => undefined,
      dashboard: true,
      pollMs: 500,
    })
    const url = `${run.dashboard!.url}/`
    try {
      expect(run.result.ok).toBe(true)
      expect(run.result.dashboard).toBe(url)
      const stablecoin = run.result.contracts!.stablecoin
      const { mintBlock, pauseBlock } = run.result.pause!
      // The rehearsal is over, its chain still up: the page reads the guard's history from it.
      const deadline = Date.now() + 30_000
      let snapshot: Snapshot
      for (;;) {
        snapshot = (await (await fetch(`${url}api/snapshot`)).json()) as Snapshot
        if (snapshot.pauses.length >= 2 || Date.now() > deadline) break
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
      expect(snapshot.guard).toBe(run.result.contracts!.guard)
      expect(snapshot.assets.map((a) => a.target)).toEqual([stablecoin])
      expect(snapshot.assets[0].paused).toBe(false)
      const events = snapshot.pauses.filter((p) => p.target === stablecoin).map((p) => [p.event, p.block])
      expect(events).toEqual(expect.arrayContaining([['AssetPaused', pauseBlock]]))
      expect(events.some(([event, block]) => event !== 'AssetPaused' && (block as number) > pauseBlock)).toBe(
        true,
      )
      expect(pauseBlock).toBe(mintBlock + 1)
    } finally {
      await run.close()
    }
    // Closed: the dashboard no longer answers.
    await expect(fetch(`${url}api/snapshot`)).rejects.toThrow()
  }, 180_000)
})
