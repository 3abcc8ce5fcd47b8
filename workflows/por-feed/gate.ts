/**
 * When the por-feed workflow writes: only when readers need a new answer. Compared with what the feed holds
 * on-chain (read at the start of the execution), a write is due when
 *
 * 1. the feed has no answer yet;
 * 2. the answer moved by at least `deviationBps` basis points of the one held (any move from zero); or
 * 3. the held answer would reach the readers' heartbeat before the next run's report could land:
 *    `age + cron period + delivery margin ≥ heartbeat`, the age measured from the held answer's timestamp.
 *
 * "The last write failed" needs no memory: a write that did not land leaves the feed's answer and
 * timestamp as they were, so the next execution finds the same move or an older answer, and writes.
 *
 * A reading not newer than the held answer is never written (the cache would keep the held one: its
 * timestamp must grow). Pure: no SDK, no I/O.
 */

/** What the feed holds (`DataFeedsCache.getLatestRoundData`): round 0 and timestamp 0 before any write. */
export interface HeldAnswer {
  answer: bigint
  /** Unix seconds the held answer was true at. */
  timestamp: bigint
}

/** What this execution read: the agreed answer and when it was true. */
export interface Reading {
  answer: bigint
  /** Unix seconds. */
  asOf: bigint
}

export interface GateRules {
  deviationBps: number
  heartbeatSeconds: number
  /** The longest wait between two runs of the schedule. */
  cronPeriodSeconds: number
  deliveryMarginSeconds: number
}

export type WriteDecision =
  | { write: true; reason: 'first answer' | 'deviation' | 'heartbeat'; detail: string }
  | { write: false; reason: 'within bounds' | 'not newer'; detail: string }

const BPS = 10_000n

/** The move from `held` to `answer` in basis points, rounded down (undefined from zero to non-zero). */
export function deviationBasisPoints(held: bigint, answer: bigint): bigint | undefined {
  const move = answer > held ? answer - held : held - answer
  if (held === 0n) return move === 0n ? 0n : undefined
  return (move * BPS) / (held < 0n ? -held : held)
}

/** Whether the reading is written, and why, at DON time `now` (unix seconds). */
export function decideWrite(
  held: HeldAnswer,
  reading: Reading,
  now: bigint,
  rules: GateRules,
): WriteDecision {
  if (held.timestamp === 0n) {
    return { write: true, reason: 'first answer', detail: 'the feed has no answer yet' }
  }
  if (reading.asOf <= held.timestamp) {
    return {
      write: false,
      reason: 'not newer',
      detail: `the reading is as of ${reading.asOf}, not after the feed's answer (${held.timestamp})`,
    }
  }
  const moved = deviationBasisPoints(held.answer, reading.answer)
  const change = `${held.answer} → ${reading.answer}`
  if (moved === undefined || (reading.answer !== held.answer && moved >= BigInt(rules.deviationBps))) {
    const by = moved === undefined ? 'from zero' : `${moved} bps`
    return {
      write: true,
      reason: 'deviation',
      detail: `moved ${by} (${change}), threshold ${rules.deviationBps} bps`,
    }
  }
  const age = now - held.timestamp
  const due = BigInt(rules.heartbeatSeconds - rules.cronPeriodSeconds - rules.deliveryMarginSeconds)
  const heartbeat =
    `answer ${age} s old; due at ${due} s (heartbeat ${rules.heartbeatSeconds} s less the cron period ` +
    `${rules.cronPeriodSeconds} s and the delivery margin ${rules.deliveryMarginSeconds} s)`
  if (age >= due) return { write: true, reason: 'heartbeat', detail: heartbeat }
  return {
    write: false,
    reason: 'within bounds',
    detail: `moved ${moved} bps (${change}) < ${rules.deviationBps} bps; ${heartbeat}`,
  }
}
