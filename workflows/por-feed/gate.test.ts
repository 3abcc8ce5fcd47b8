import { test } from '@chainlink/cre-sdk/test'
import { decideWrite, deviationBasisPoints, type GateRules } from './gate'

/** 1% deviation; readers' heartbeat 1 hour; runs every 10 minutes; a report lands within a minute. */
const RULES: GateRules = {
  deviationBps: 100,
  heartbeatSeconds: 3_600,
  cronPeriodSeconds: 600,
  deliveryMarginSeconds: 60,
}
const HELD_AT = 1_795_260_000n
/** The held answer is this old (seconds) at the execution. */
const at = (age: number) => HELD_AT + BigInt(age)
const held = { answer: 100_000_000n, timestamp: HELD_AT }

describe('when the por-feed workflow writes', () => {
  test('a feed with no answer yet is written', () => {
    const decision = decideWrite({ answer: 0n, timestamp: 0n }, { answer: 5n, asOf: at(1) }, at(1), RULES)
    expect(decision).toMatchObject({ write: true, reason: 'first answer' })
  })

  test('inside the deviation and heartbeat bounds: skipped', () => {
    // +0.99%, the answer 2,939 s old: 2,939 + 600 + 60 < 3,600
    const decision = decideWrite(held, { answer: 100_990_000n, asOf: at(2_939) }, at(2_939), RULES)
    expect(decision).toEqual({
      write: false,
      reason: 'within bounds',
      detail:
        'moved 99 bps (100000000 → 100990000) < 100 bps; answer 2939 s old; due at 2940 s ' +
        '(heartbeat 3600 s less the cron period 600 s and the delivery margin 60 s)',
    })
    // unchanged
    expect(decideWrite(held, { answer: held.answer, asOf: at(60) }, at(60), RULES).write).toBe(false)
  })

  test('a move of the threshold or more, either way: written', () => {
    for (const answer of [101_000_000n, 99_000_000n, 150_000_000n, 0n]) {
      expect(decideWrite(held, { answer, asOf: at(60) }, at(60), RULES)).toMatchObject({
        write: true,
        reason: 'deviation',
      })
    }
    expect(decideWrite(held, { answer: 101_000_000n, asOf: at(60) }, at(60), RULES).detail).toBe(
      'moved 100 bps (100000000 → 101000000), threshold 100 bps',
    )
    // one unit short of 1% is not enough
    expect(decideWrite(held, { answer: 100_999_999n, asOf: at(60) }, at(60), RULES).write).toBe(false)
  })

  test('any move away from zero is written; zero to zero is not', () => {
    const empty = { answer: 0n, timestamp: HELD_AT }
    expect(decideWrite(empty, { answer: 1n, asOf: at(60) }, at(60), RULES)).toMatchObject({
      write: true,
      reason: 'deviation',
      detail: 'moved from zero (0 → 1), threshold 100 bps',
    })
    expect(decideWrite(empty, { answer: 0n, asOf: at(60) }, at(60), RULES).write).toBe(false)
  })

  test('deviationBps 0: any change is written', () => {
    const rules = { ...RULES, deviationBps: 0 }
    expect(decideWrite(held, { answer: held.answer + 1n, asOf: at(60) }, at(60), rules).write).toBe(true)
    expect(decideWrite(held, { answer: held.answer, asOf: at(60) }, at(60), rules).write).toBe(false)
  })

  test('an answer that would reach the heartbeat before the next run lands: written', () => {
    // 2,940 s old: the next run (up to 600 s later) could land 60 s after that, at 3,600 s: too late
    expect(decideWrite(held, { answer: held.answer, asOf: at(2_940) }, at(2_940), RULES)).toMatchObject({
      write: true,
      reason: 'heartbeat',
    })
    expect(decideWrite(held, { answer: held.answer, asOf: at(9_000) }, at(9_000), RULES).write).toBe(true)
  })

  test('the age is that of the held answer, whatever the reading’s own as-of time', () => {
    // an adapter dating its figure 1,000 s back does not make the held answer younger
    const reading = { answer: held.answer, asOf: at(2_000) }
    expect(decideWrite(held, reading, at(3_000), RULES).reason).toBe('heartbeat')
  })

  test('a reading not newer than the held answer is never written (the cache keeps the newer)', () => {
    for (const asOf of [HELD_AT, HELD_AT - 1n]) {
      expect(decideWrite(held, { answer: 1n, asOf }, at(9_000), RULES)).toEqual({
        write: false,
        reason: 'not newer',
        detail: `the reading is as of ${asOf}, not after the feed's answer (${HELD_AT})`,
      })
    }
  })

  test('deviation in basis points, rounded down', () => {
    expect(deviationBasisPoints(3n, 4n)).toBe(3_333n)
    expect(deviationBasisPoints(4n, 3n)).toBe(2_500n)
    expect(deviationBasisPoints(10n ** 60n, 10n ** 60n + 1n)).toBe(0n)
    expect(deviationBasisPoints(0n, 0n)).toBe(0n)
    expect(deviationBasisPoints(0n, 7n)).toBeUndefined()
  })
})
