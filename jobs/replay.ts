/**
 * A job's pipeline replayed over the rounds a node would run it: an adapter asked for new inputs
 * answers the framework's 504 "no value yet" until its background read lands, and the node's run
 * of that round reports nothing; a later round finds the value.
 */
import { httpAnswer, isNotYetComputed } from '#devkit/adapter-answer'
import { runPipeline, type Pipeline, type RunOptions, type RunResult } from '#devkit/pipeline'

/** A bridge request a replayed run sent. */
export interface SentRequest {
  task: string
  bridge: string
  body: string
}

export interface RoundOptions {
  /** Rounds run at most (30 unless given). */
  maxRounds?: number
  /** No round starts after this instant (`Date.now()` milliseconds). */
  deadline?: number
  /** The pause between two rounds, in milliseconds (none unless given). */
  pauseMs?: number
  /** Told before each round after the first, with the round's number. */
  onRetry?: (round: number) => void
}

export interface Replay {
  /** The last run. */
  run: RunResult
  /** The bridge requests the last run sent, in order. */
  sent: SentRequest[]
  /** How many rounds were run. */
  rounds: number
  /** Whether an adapter still answered "no value yet" in the last run. */
  waiting: boolean
}

/** Whether a bridge of `run` failed on the framework's 504 "no value yet". */
export function waitingForAdapter(run: RunResult): boolean {
  return [...run.results.values()].some(({ error }) => {
    const answer = error?.bridgeAnswer
    return answer !== undefined && isNotYetComputed(httpAnswer(answer.status, answer.body))
  })
}

/**
 * Runs `pipeline` as successive OCR rounds do until a run is not failed by an adapter's 504 "no
 * value yet" (the first request for new inputs registers them; the next rounds find the value),
 * or the rounds run out.
 */
export async function replayRounds(
  pipeline: Pipeline,
  options: Omit<RunOptions, 'onBridgeRequest'>,
  { maxRounds = 30, deadline, pauseMs = 0, onRetry }: RoundOptions = {},
): Promise<Replay> {
  for (let round = 1; ; round++) {
    const sent: SentRequest[] = []
    const run = await runPipeline(pipeline, {
      ...options,
      onBridgeRequest: ({ task, bridge, body }) => sent.push({ task, bridge, body }),
    })
    const waiting = waitingForAdapter(run)
    const outOfTime = deadline !== undefined && Date.now() + pauseMs >= deadline
    if (!waiting || round >= maxRounds || outOfTime) return { run, sent, rounds: round, waiting }
    if (pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, pauseMs))
    onRetry?.(round + 1)
  }
}
