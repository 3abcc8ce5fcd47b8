/**
 * What a scenario is and what it reports, in one place: a scenario (`npm run demo -- --scenario <name>`) is a
 * module exporting a {@link Scenario}, whose `run` plays a failure mode through the real contracts and adapters
 * and returns its {@link Timeline}: each step with what should happen, what did, and whether they are the same,
 * with the time it took (wall clock, and chain time when the chain's clock moved). The runner
 * (demo/scenarios/runner.ts) narrates it, prints the summary table or the JSON, and fails when a step is not ok.
 *
 * A scenario records its steps with a {@link TimelineRecorder}, which narrates each step as it happens, times
 * it, and stops the scenario at the first step that did not happen as described.
 */
import type { JsonRpcProvider } from 'ethers'
import type { AdapterTarget } from '../../dashboard/config'
import { seconds, table } from '../report'
import { StepFailed, type StepNarration } from '../steps'

/** One step of a scenario. */
export interface TimelineStep {
  /** its short name, for the summary table */
  label: string
  /** what should happen, in plain words */
  expected: string
  /** what did happen, with its figures (or why the step failed) */
  observed: string
  ok: boolean
  /** how long the step took, wall clock */
  ms: number
  /** how much chain time passed during the step (block timestamps), when the scenario runs on a chain */
  chainSeconds?: number
  /** the chain's block when the step ended */
  block?: number
  /** what the step established, for scripts (`--json`): amounts as decimal strings */
  facts: Record<string, unknown>
}

/** A scenario's outcome. */
export interface Timeline {
  scenario: string
  title: string
  /** every step happened as described */
  ok: boolean
  wallTimeMs: number
  steps: TimelineStep[]
  /** the steps that did not run, after one failed */
  notRun: string[]
  /** the dashboard's address, with `--dashboard` */
  dashboard?: string
}

/** What a scenario's chain, guard and adapters are, for the dashboard to show them. */
export interface WatchTarget {
  rpcUrl: string
  chainId: number
  guard: string
  registry?: string
  upkeeps?: bigint[]
  adapters: AdapterTarget[]
}

/** What the runner gives a scenario. */
export interface ScenarioContext {
  /** prints a line of narration as it happens */
  say(line: string): void
  /**
   * Says the scenario's chain and guard are up: with `--dashboard` the runner starts the dashboard on them and
   * resolves with its address, to narrate; otherwise with undefined.
   */
  watch(target: WatchTarget): Promise<string | undefined>
  /** registers what to stop when the runner is done (with `--dashboard`, once the user stops it) */
  onClose(close: () => Promise<void>): void
}

export interface Scenario {
  /** `--scenario <name>` */
  name: string
  title: string
  /** one line for `--help` */
  summary: string
  run(context: ScenarioContext): Promise<Timeline>
}

/**
 * Records a scenario's steps: `step(label, expected, body)` narrates the step, runs `body` (which returns what
 * happened, or throws a {@link StepFailed} saying what did not), and times it. After a failed step, the later
 * ones are not run: `step` returns false, and the timeline lists them in `notRun`.
 */
export class TimelineRecorder {
  private readonly steps: TimelineStep[] = []
  private readonly notRun: string[] = []
  private readonly started = Date.now()
  private provider?: JsonRpcProvider

  constructor(
    private readonly scenario: Pick<Scenario, 'name' | 'title'>,
    private readonly say: (line: string) => void,
    /** the labels of every step, in order, to list the ones not run after a failure */
    private readonly plan: readonly string[],
  ) {}

  /** Times the following steps in chain time too. */
  useChain(provider: JsonRpcProvider): void {
    this.provider = provider
  }

  get failed(): boolean {
    return this.steps.some((step) => !step.ok)
  }

  private async chainNow(): Promise<{ block: number; time: number } | undefined> {
    if (!this.provider) return undefined
    try {
      const block = await this.provider.getBlock('latest')
      return block ? { block: block.number, time: block.timestamp } : undefined
    } catch {
      return undefined // the chain is gone: the step's failure says why
    }
  }

  /** Runs one step, unless one failed before; whether it happened as described. */
  async step(label: string, expected: string, body: (s: StepNarration) => Promise<string>): Promise<boolean> {
    if (this.failed) {
      this.notRun.push(label)
      return false
    }
    const number = this.steps.length + 1
    this.say('')
    this.say(`[${number}/${this.plan.length}] ${label}`)
    this.say(`      should: ${expected}`)
    const before = await this.chainNow()
    const started = Date.now()
    const step: TimelineStep = { label, expected, observed: '', ok: false, ms: 0, facts: {} }
    const context: StepNarration = {
      say: (line) => this.say(`      ${line}`),
      fact: (key, value) => (step.facts[key] = value),
    }
    try {
      step.observed = await body(context)
      step.ok = true
    } catch (error) {
      step.observed = error instanceof StepFailed ? error.message : ((error as Error).stack ?? String(error))
    }
    step.ms = Date.now() - started
    const after = await this.chainNow()
    if (after) step.block = after.block
    if (before && after) step.chainSeconds = after.time - before.time
    this.steps.push(step)
    const time = `${seconds(step.ms)} s${step.chainSeconds ? `, ${step.chainSeconds} s of chain time` : ''}`
    if (step.ok) this.say(`      did: ${step.observed} (${time})`)
    else this.say(`      FAILED: ${step.observed}`)
    return step.ok
  }

  /** The timeline; the steps planned and never reached count as not run. */
  finish(): Timeline {
    const reached = new Set([...this.steps.map((s) => s.label), ...this.notRun])
    return {
      scenario: this.scenario.name,
      title: this.scenario.title,
      ok:
        this.steps.length > 0 &&
        !this.failed &&
        this.notRun.length === 0 &&
        reached.size === this.plan.length,
      wallTimeMs: Date.now() - this.started,
      steps: this.steps,
      notRun: [...this.notRun, ...this.plan.filter((label) => !reached.has(label))],
    }
  }
}

/** The closing table and lines of a timeline. */
export function timelineSummary(timeline: Timeline): string[] {
  const rows = timeline.steps.map((step, i) => [
    String(i + 1),
    step.label,
    step.ok ? 'ok' : 'FAILED',
    seconds(step.ms),
    step.chainSeconds === undefined ? '' : String(step.chainSeconds),
    step.block === undefined ? '' : String(step.block),
  ])
  for (const label of timeline.notRun) rows.push([String(rows.length + 1), label, 'not run', '', '', ''])
  const lines = [
    '',
    `Summary: ${timeline.title}`,
    ...table(['#', 'step', 'outcome', 'wall s', 'chain s', 'block'], rows, new Set([0, 3, 4, 5])).map(
      (line) => `  ${line}`,
    ),
    '',
  ]
  const failed = timeline.steps.find((step) => !step.ok)
  if (failed) lines.push(`  "${failed.label}" FAILED: ${failed.observed.split('\n')[0]}`)
  lines.push(
    `  ${timeline.ok ? 'Every step happened as described' : 'The scenario FAILED'}; wall time ${seconds(timeline.wallTimeMs)} s.`,
  )
  return lines
}
