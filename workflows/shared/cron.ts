/**
 * The longest wait between two runs of a CRE cron schedule, for config checks that depend on it (a feed's
 * heartbeat must outlast it). CRE's cron trigger takes 5 fields (minute hour day month weekday) or 6
 * (seconds first), optionally after `TZ=<zone> `, with the usual syntax: `*`, `?`, numbers, `a-b`, steps
 * (`*\/n`, `a/n`, `a-b/n`), lists, and month and weekday names. The day matches as in robfig/cron, which
 * CRE's trigger is built on: when both day fields are restricted (neither `*` nor `?`), either may match.
 *
 * The answer is exact for UTC: it walks every day of a 400-year Gregorian cycle (146,097 steps, no dates). A schedule in another zone
 * runs on wall-clock time, which a daylight-saving change moves by up to an hour, so an hour is added.
 * Pure, no dependency: runs in the workflow (QuickJS), Bun and Node.
 */

const DAY_SECONDS = 86_400
/** The Gregorian calendar repeats every 400 years: 146,097 days. */
const CYCLE_DAYS = 146_097
const DST_SHIFT_SECONDS = 3_600

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC']
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT']

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: string[]
  /** The first name's number (1 for months, 0 for weekdays). */
  namesFrom?: number
}

const SECOND: FieldSpec = { name: 'second', min: 0, max: 59 }
const MINUTE: FieldSpec = { name: 'minute', min: 0, max: 59 }
const HOUR: FieldSpec = { name: 'hour', min: 0, max: 23 }
const DAY_OF_MONTH: FieldSpec = { name: 'day of month', min: 1, max: 31 }
const MONTH: FieldSpec = { name: 'month', min: 1, max: 12, names: MONTHS, namesFrom: 1 }
const DAY_OF_WEEK: FieldSpec = { name: 'day of week', min: 0, max: 6, names: WEEKDAYS, namesFrom: 0 }

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/** A schedule CRE's cron trigger would take but whose runs cannot be worked out here. */
export class CronScheduleError extends Error {
  override name = 'CronScheduleError'
}

interface Field {
  values: Set<number>
  /** `*` or `?` (with no step): unrestricted, for the day-of-month / day-of-week rule. */
  any: boolean
}

function number(text: string, spec: FieldSpec): number {
  const index = spec.names?.indexOf(text.toUpperCase()) ?? -1
  const value = index >= 0 ? index + (spec.namesFrom ?? 0) : /^\d+$/.test(text) ? Number(text) : NaN
  if (!Number.isInteger(value) || value < spec.min || value > spec.max) {
    throw new CronScheduleError(`${spec.name} "${text}" is not a number from ${spec.min} to ${spec.max}`)
  }
  return value
}

function parseField(text: string, spec: FieldSpec): Field {
  const values = new Set<number>()
  for (const part of text.split(',')) {
    const [range, stepText, extra] = part.split('/')
    if (extra !== undefined || range === '')
      throw new CronScheduleError(`${spec.name} "${text}" is not valid`)
    const step = stepText === undefined ? 1 : number(stepText, { ...spec, min: 1, max: spec.max + 1 })
    let low: number
    let high: number
    if (range === '*' || range === '?') {
      ;[low, high] = [spec.min, spec.max]
    } else if (range.includes('-')) {
      const [from, to] = range.split('-')
      ;[low, high] = [number(from, spec), number(to, spec)]
      if (low > high) throw new CronScheduleError(`${spec.name} range "${range}" runs backwards`)
    } else {
      low = number(range, spec)
      high = stepText === undefined ? low : spec.max
    }
    for (let value = low; value <= high; value += step) values.add(value)
  }
  // robfig/cron keeps `*` and `?` unrestricted with a step of 1 only
  return { values, any: /^[*?](?:\/1)?$/.test(text) }
}

/** A schedule, parsed: the values each field takes, and the hour a zone other than UTC may add. */
interface Schedule {
  seconds: Field
  minutes: Field
  hours: Field
  daysOfMonth: Field
  months: Field
  daysOfWeek: Field
  /** an hour for a zone that may change its clock (daylight saving), 0 for UTC */
  zoneShift: number
}

function parseSchedule(schedule: string): Schedule {
  let text = schedule.trim()
  let zoneShift = 0
  const zone = /^(?:TZ|CRON_TZ)=(\S+)\s+/.exec(text)
  if (zone) {
    text = text.slice(zone[0].length)
    if (!/^(?:UTC|Etc\/UTC|GMT|Etc\/GMT|Z)$/i.test(zone[1])) zoneShift = DST_SHIFT_SECONDS
  }
  const fields = text.split(/\s+/)
  if (fields.length === 5) fields.unshift('0')
  if (fields.length !== 6) {
    throw new CronScheduleError(`"${schedule}" has ${fields.length} fields; a CRE cron schedule has 5 or 6`)
  }
  const daysOfWeek = parseField(fields[5], { ...DAY_OF_WEEK, max: 7 })
  // 7 is Sunday too
  if (daysOfWeek.values.delete(7)) daysOfWeek.values.add(0)
  return {
    seconds: parseField(fields[0], SECOND),
    minutes: parseField(fields[1], MINUTE),
    hours: parseField(fields[2], HOUR),
    daysOfMonth: parseField(fields[3], DAY_OF_MONTH),
    months: parseField(fields[4], MONTH),
    daysOfWeek,
    zoneShift,
  }
}

/** The runs within a day, in seconds after midnight, in order. */
function timesOfDay({ hours, minutes, seconds }: Schedule): number[] {
  const times: number[] = []
  for (const h of [...hours.values].sort((a, b) => a - b)) {
    for (const m of [...minutes.values].sort((a, b) => a - b)) {
      for (const s of [...seconds.values].sort((a, b) => a - b)) times.push(h * 3600 + m * 60 + s)
    }
  }
  return times
}

/** Whether the schedule runs on a day (robfig/cron: either day field may match when both are restricted). */
function runsOn(schedule: Schedule, month: number, date: number, weekday: number): boolean {
  const { daysOfMonth, daysOfWeek, months } = schedule
  const dom = daysOfMonth.values.has(date)
  const dow = daysOfWeek.values.has(weekday)
  return months.values.has(month) && (!daysOfMonth.any && !daysOfWeek.any ? dom || dow : dom && dow)
}

/**
 * The longest time, in seconds, between two consecutive runs of `schedule` (over every day of the calendar).
 * @throws CronScheduleError for a schedule that is not 5 or 6 fields of the syntax above, or never runs
 */
export function longestCronIntervalSeconds(schedule: string): number {
  const parsed = parseSchedule(schedule)
  const { daysOfMonth, daysOfWeek, months, zoneShift } = parsed
  const times = timesOfDay(parsed)
  let longest = 0
  for (let i = 1; i < times.length; i++) longest = Math.max(longest, times[i] - times[i - 1])

  // Every day runs (the usual schedule): the gap across days is from the last run to the next first run.
  if (daysOfMonth.any && daysOfWeek.any && months.values.size === 12) {
    return Math.max(longest, DAY_SECONDS - times[times.length - 1] + times[0]) + zoneShift
  }

  // The days that run, over a whole Gregorian cycle from 2000-01-01 (a Saturday); the gap across two days
  // that run is from the last run of the first to the first run of the second.
  let previousDay: number | undefined
  let firstDay: number | undefined
  let [year, month, date, weekday] = [2000, 1, 1, 6]
  for (let day = 0; day < CYCLE_DAYS; day++) {
    if (runsOn(parsed, month, date, weekday)) {
      if (previousDay !== undefined) {
        longest = Math.max(longest, (day - previousDay) * DAY_SECONDS - times[times.length - 1] + times[0])
      }
      firstDay ??= day
      previousDay = day
    }
    weekday = (weekday + 1) % 7
    if (++date > daysInMonth(year, month)) {
      date = 1
      if (++month > 12) [month, year] = [1, year + 1]
    }
  }
  if (firstDay === undefined || previousDay === undefined) {
    throw new CronScheduleError(`"${schedule}" never runs`)
  }
  // Across the end of the cycle, into the next one.
  longest = Math.max(
    longest,
    (firstDay + CYCLE_DAYS - previousDay) * DAY_SECONDS - times[times.length - 1] + times[0],
  )
  return longest + zoneShift
}

/** The UTC month, date and weekday of a day counted from 1970-01-01 (Howard Hinnant's `civil_from_days`). */
function civilDay(days: number): { month: number; date: number; weekday: number } {
  const z = days + 719_468
  const dayOfEra = z - Math.floor(z / CYCLE_DAYS) * CYCLE_DAYS
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) /
      365,
  )
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100))
  const shifted = Math.floor((5 * dayOfYear + 2) / 153)
  return {
    month: shifted < 10 ? shifted + 3 : shifted - 9,
    date: dayOfYear - Math.floor((153 * shifted + 2) / 5) + 1,
    // 1970-01-01 was a Thursday (4)
    weekday: (((days + 4) % 7) + 7) % 7,
  }
}

/**
 * The first run of `schedule` strictly after `afterSeconds` (Unix seconds), in UTC: a zone other than UTC
 * (`TZ=…`) is not applied. For the local rehearsal's cron trigger; within the next 400 years or none.
 * @throws CronScheduleError as {@link longestCronIntervalSeconds}, or for a schedule that never runs
 */
export function nextCronRunSeconds(schedule: string, afterSeconds: number): number {
  const parsed = parseSchedule(schedule)
  const times = timesOfDay(parsed)
  const firstDay = Math.floor(afterSeconds / DAY_SECONDS)
  for (let day = firstDay; day < firstDay + CYCLE_DAYS; day++) {
    const { month, date, weekday } = civilDay(day)
    if (!runsOn(parsed, month, date, weekday)) continue
    for (const time of times) {
      const at = day * DAY_SECONDS + time
      if (at > afterSeconds) return at
    }
  }
  throw new CronScheduleError(`"${schedule}" never runs`)
}
