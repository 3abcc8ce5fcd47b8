import { test } from '@chainlink/cre-sdk/test'
import { CronScheduleError, longestCronIntervalSeconds } from './cron'

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
