import { test } from '@chainlink/cre-sdk/test'
import { CronScheduleError, longestCronIntervalSeconds, nextCronRunSeconds } from './cron'

const MINUTE = 60
const HOUR = 3_600
const DAY = 86_400

describe('the longest wait between two runs of a cron schedule', () => {
  test('fixed steps, with seconds or without', () => {
    expect(longestCronIntervalSeconds('0 */10 * * * *')).toBe(10 * MINUTE)
    expect(longestCronIntervalSeconds('*/10 * * * *')).toBe(10 * MINUTE)
    expect(longestCronIntervalSeconds('*/30 * * * * *')).toBe(30)
    expect(longestCronIntervalSeconds('0 0 * * * *')).toBe(HOUR)
    expect(longestCronIntervalSeconds('0 0 0 * * *')).toBe(DAY)
    expect(longestCronIntervalSeconds('  0 */10 * * * *  ')).toBe(10 * MINUTE)
  })

  test('uneven steps: the longest gap, across the hour or the day', () => {
    // :00, :25, :50, then :00 again 10 minutes later... and 25 before
    expect(longestCronIntervalSeconds('0 */25 * * * *')).toBe(25 * MINUTE)
    // 00:00, 07:00, 14:00, 21:00, then 00:00: 7 hours
    expect(longestCronIntervalSeconds('0 0 */7 * * *')).toBe(7 * HOUR)
    // 09:00 to 17:00 on the hour: 16 hours overnight
    expect(longestCronIntervalSeconds('0 0 9-17 * * *')).toBe(16 * HOUR)
    expect(longestCronIntervalSeconds('0 0,15,45 * * * *')).toBe(30 * MINUTE)
    // "5/20": from 5 to the end, every 20
    expect(longestCronIntervalSeconds('0 5/20 * * * *')).toBe(20 * MINUTE)
  })

  test('days: weekdays, days of the month, months, and either-day when both are restricted', () => {
    // Mondays to Fridays at noon: Friday to Monday
    expect(longestCronIntervalSeconds('0 0 12 * * MON-FRI')).toBe(3 * DAY)
    expect(longestCronIntervalSeconds('0 0 12 * * 1-5')).toBe(3 * DAY)
    // Sundays, 0 or 7
    expect(longestCronIntervalSeconds('0 0 0 * * 7')).toBe(7 * DAY)
    expect(longestCronIntervalSeconds('0 0 0 * * SUN')).toBe(7 * DAY)
    // the 1st of each month: 31 days at most
    expect(longestCronIntervalSeconds('0 0 0 1 * *')).toBe(31 * DAY)
    // the 31st: only seven months have one (July 31 to August 31 is 31 days; Aug 31 to Oct 31 is 61)
    expect(longestCronIntervalSeconds('0 0 0 31 * *')).toBe(61 * DAY)
    // February 29th: eight years apart across 2100 (not a leap year)
    expect(longestCronIntervalSeconds('0 0 0 29 FEB *')).toBe((365 * 8 + 1) * DAY)
    // the 1st, or a Monday: never more than a week
    expect(longestCronIntervalSeconds('0 0 0 1 * MON')).toBe(7 * DAY)
    // one day field restricted: that one decides
    expect(longestCronIntervalSeconds('0 0 0 * * MON')).toBe(7 * DAY)
    expect(longestCronIntervalSeconds('0 0 0 ? * MON')).toBe(7 * DAY)
  })

  test('a zone other than UTC adds an hour (a daylight-saving change moves wall-clock runs)', () => {
    expect(longestCronIntervalSeconds('TZ=UTC 0 */10 * * * *')).toBe(10 * MINUTE)
    expect(longestCronIntervalSeconds('TZ=Europe/Paris 0 */10 * * * *')).toBe(10 * MINUTE + HOUR)
    expect(longestCronIntervalSeconds('CRON_TZ=America/New_York 0 0 0 * * *')).toBe(DAY + HOUR)
  })

  test('a schedule it cannot read, or that never runs, is refused', () => {
    const refused: [string, string][] = [
      ['* * * *', '4 fields'],
      ['0 0 0 0 * * *', '7 fields'],
      ['0 60 * * * *', 'minute "60" is not a number from 0 to 59'],
      ['0 0 24 * * *', 'hour "24"'],
      ['0 0 0 32 * *', 'day of month "32"'],
      ['0 0 0 * 13 *', 'month "13"'],
      ['0 0 0 * * 8', 'day of week "8"'],
      ['0 0 0 * FOO *', 'month "FOO"'],
      ['0 */0 * * * *', 'minute "0" is not a number from 1'],
      ['0 10-5 * * * *', 'runs backwards'],
      ['0 1/2/3 * * * *', 'is not valid'],
      ['0 0 0 L * *', 'day of month "L"'],
      ['0 0 0 30 FEB *', 'never runs'],
    ]
    for (const [schedule, message] of refused) {
      expect(() => longestCronIntervalSeconds(schedule)).toThrow(CronScheduleError)
      expect(() => longestCronIntervalSeconds(schedule)).toThrow(message)
    }
  })
})

describe("the next run of a cron schedule (the rehearsal's cron trigger), in UTC", () => {
  const at = (iso: string) => Date.parse(iso) / 1000

  test('the next instant the schedule matches, strictly after the given one', () => {
    expect(nextCronRunSeconds('0 */10 * * * *', at('2026-11-21T12:00:00Z'))).toBe(at('2026-11-21T12:10:00Z'))
    expect(nextCronRunSeconds('0 */10 * * * *', at('2026-11-21T12:05:30Z'))).toBe(at('2026-11-21T12:10:00Z'))
    expect(nextCronRunSeconds('*/10 * * * *', at('2026-11-21T23:55:00Z'))).toBe(at('2026-11-22T00:00:00Z'))
    expect(nextCronRunSeconds('*/30 * * * * *', at('2026-11-21T12:00:29Z'))).toBe(at('2026-11-21T12:00:30Z'))
    // Friday 2026-11-20 13:00 → Monday noon
    expect(nextCronRunSeconds('0 0 12 * * MON-FRI', at('2026-11-20T13:00:00Z'))).toBe(
      at('2026-11-23T12:00:00Z'),
    )
    // the next February 29th
    expect(nextCronRunSeconds('0 0 0 29 2 *', at('2026-03-01T00:00:00Z'))).toBe(at('2028-02-29T00:00:00Z'))
    // either day when both are restricted: the 1st or a Sunday
    expect(nextCronRunSeconds('0 0 0 1 * SUN', at('2026-11-21T00:00:00Z'))).toBe(at('2026-11-22T00:00:00Z'))
  })

  test('agrees with a second-by-second walk over the calendar', () => {
    const schedules = [
      '0 */7 * * * *',
      '15 0 9-17 * * MON-FRI',
      '0 30 2 1,15 * *',
      '0 0 0 * FEB SAT',
      '*/45 * * * * *',
    ]
    const matches = (schedule: string, seconds: number): boolean => {
      const date = new Date(seconds * 1000)
      const [s, m, h, dom, month, dow] = schedule.split(' ')
      const field = (text: string, value: number, names: string[] = []) =>
        text.split(',').some((part) => {
          const [range, step] = part.split('/')
          const number = (t: string) => (names.includes(t) ? names.indexOf(t) : Number(t))
          const [low, high] =
            range === '*'
              ? [0, 99]
              : range.includes('-')
                ? range.split('-').map(number)
                : [number(range), step ? 99 : number(range)]
          return value >= low && value <= high && (value - low) % Number(step ?? 1) === 0
        })
      const days = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']
      const months = ['', 'JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
      return (
        field(s, date.getUTCSeconds()) &&
        field(m, date.getUTCMinutes()) &&
        field(h, date.getUTCHours()) &&
        field(dom, date.getUTCDate()) &&
        field(month, date.getUTCMonth() + 1, months) &&
        field(dow, date.getUTCDay(), days)
      )
    }
    for (const schedule of schedules) {
      for (const start of [at('2026-02-27T23:59:59Z'), at('2028-12-31T08:59:30Z')]) {
        let expected = start + 1
        while (!matches(schedule, expected)) expected++
        expect({ schedule, next: nextCronRunSeconds(schedule, start) }).toEqual({ schedule, next: expected })
      }
    }
  })
})
