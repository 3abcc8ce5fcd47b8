/**
 * The step runner of `npm run demo` (demo/run.ts, demo/cre.ts) and of the over-mint rehearsal
 * (demo/scenarios/overmint.ts): each step narrated as `[n/N] title`, its body given a context that narrates and
 * records facts, timed, and the play stopped at the first step not ok. What a step's summary holds beyond that
 * (the demo's gas and chain after the step, the rehearsal's expected and observed) comes in through its hooks.
 */
import { seconds } from './report'

export type StepOutcome = 'ok' | 'failed' | 'not run'

/** What every step's entry in a summary holds. */
export interface StepRecord {
  step: number
  title: string
  outcome: StepOutcome
  facts: Record<string, unknown>
}

/** What every step's body is given: a line of narration, a fact for the summary. */
export interface StepNarration {
  say: (line: string) => void
  fact: (key: string, value: unknown) => void
}

/** A step's outcome was not what the demo says it is: its message is the step's failure, without a stack. */
export class StepFailed extends Error {}

export function check(condition: boolean, failure: string): asserts condition {
  if (!condition) throw new StepFailed(failure)
}

export interface StepHooks<R extends StepRecord, C> {
  /** The step's context, built on its narration; `described()`, when given, says whether the body saw what it should. */
  begin(record: R, narration: StepNarration): { context: C; described?: () => boolean }
  /** The body threw: why. */
  failed?(record: R, failure: string): void
  /** After the body, before its outcome is narrated: how long it took (ms). */
  end?(record: R, ms: number): Promise<void>
}

/**
 * Plays `bodies` as the steps of `records` (one each, in order), stopping at the first that is not ok: it threw,
 * or it did not see what it should. The records of the steps not reached stay as they were ('not run').
 */
export async function playSteps<R extends StepRecord, C>(
  print: (line: string) => void,
  records: readonly R[],
  bodies: readonly ((context: C) => Promise<void>)[],
  hooks: StepHooks<R, C>,
): Promise<void> {
  for (const [i, body] of bodies.entries()) {
    const record = records[i]
    const started = Date.now()
    print('')
    print(`[${record.step}/${records.length}] ${record.title}`)
    const { context, described = () => true } = hooks.begin(record, {
      say: (line) => print(`      ${line}`),
      fact: (key, value) => (record.facts[key] = value),
    })
    let failure: string | undefined
    try {
      await body(context)
    } catch (error) {
      failure = error instanceof StepFailed ? error.message : ((error as Error).stack ?? String(error))
      hooks.failed?.(record, failure)
    }
    const ms = Date.now() - started
    record.outcome = failure === undefined && described() ? 'ok' : 'failed'
    await hooks.end?.(record, ms)
    if (record.outcome === 'ok') print(`      ok, ${seconds(ms)} s`)
    else if (failure !== undefined) print(`      FAILED: ${failure}`)
    if (record.outcome !== 'ok') return
  }
}
