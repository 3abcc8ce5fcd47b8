/**
 * Reading an external adapter's answer (the Chainlink bridge protocol) into one exact integer, with the
 * time the adapter says it was true if it says one, or refusing it. Success is HTTP 200 with
 * `{ "result": "<integer>", "data": { "result": "<same>", "decimals": <n>, … }, "statusCode": 200 }`;
 * anything else, and a raised ripcord anywhere in the answer, is an error: the node observes nothing
 * and, unless enough other nodes read a good answer, the execution writes nothing. Pure (no SDK):
 * each DON node runs it on the answer it received.
 */

import { parseHttpDate, parseIsoTimestamp } from '../../adapters/common/time'
import { MAX_ANSWER } from './report'

/** Enough of an adapter's error message to say what went wrong, not a whole error page. */
const MAX_MESSAGE_CHARS = 300

type Json = null | boolean | number | string | Json[] | { [key: string]: Json }

/** The adapter pulled the ripcord: its figure must not be used. */
export class RipcordError extends Error {
  override name = 'RipcordError'
}

/** The adapter failed, or answered something that is not a usable figure. */
export class AdapterAnswerError extends Error {
  override name = 'AdapterAnswerError'
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function clip(text: string): string {
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS)}…` : text
}

/** The details next to the first `ripcord: true` (or `"true"`) found anywhere in `value`, or undefined. */
function findRipcord(value: Json): { details: string } | undefined {
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findRipcord(item)
      if (found) return found
    }
    return undefined
  }
  if (!isObject(value)) return undefined
  const flag = value.ripcord
  if (flag === true || (typeof flag === 'string' && flag.trim().toLowerCase() === 'true')) {
    const details = value.ripcordDetails
    return { details: details === undefined ? '' : clip(JSON.stringify(details)) }
  }
  // Sorted: the answer is the same whichever order the keys are visited in, but the SDK's
  // determinism check flags an unsorted Object.keys.
  for (const key of Object.keys(value).sort()) {
    const found = findRipcord(value[key])
    if (found) return found
  }
  return undefined
}

function parseBody(body: string): Json | undefined {
  try {
    return JSON.parse(body) as Json
  } catch {
    return undefined
  }
}

/** What a node read from the adapter. */
export interface AdapterAnswer {
  /** The reserve, in units of 10^-decimals. */
  answer: bigint
  /** When the adapter says the figure was true (milliseconds since the epoch), if it was asked to say. */
  asOfMs: number | undefined
}

/** What the answer must be. */
export interface AnswerExpectations {
  /** The decimals the feed takes: `data.decimals` must equal them. */
  decimals: number
  /** The field of `data` holding the figure's date (ISO-8601 or HTTP date; null: undated). */
  asOfField?: string
}

/**
 * The reserve an adapter answered, in units of 10^-`decimals`, and its as-of time.
 *
 * @param statusCode the HTTP status of the answer
 * @param body the answer's body text
 * @throws RipcordError when `ripcord` is true anywhere in the answer, whatever the status
 * @throws AdapterAnswerError on any status but 200, a body that is not a JSON object, `result` and
 * `data.result` not the same canonical non-negative integer string, a value above uint224 (what the
 * feed stores), `data.decimals` missing or not `decimals`, or the as-of field missing or not a date
 */
export function readAdapterAnswer(
  statusCode: number,
  body: string,
  { decimals, asOfField }: AnswerExpectations,
): AdapterAnswer {
  const answer = parseBody(body)
  const ripcord = answer === undefined ? undefined : findRipcord(answer)
  if (ripcord) {
    throw new RipcordError(`the adapter raised the ripcord${ripcord.details ? ` ${ripcord.details}` : ''}`)
  }
  if (statusCode !== 200) {
    const message =
      isObject(answer) && typeof answer.errorMessage === 'string' ? `: ${clip(answer.errorMessage)}` : ''
    throw new AdapterAnswerError(`the adapter answered HTTP ${statusCode}${message}`)
  }
  if (!isObject(answer)) throw new AdapterAnswerError('the adapter answer is not a JSON object')
  if (answer.statusCode !== undefined && answer.statusCode !== 200) {
    throw new AdapterAnswerError(`the adapter answer says statusCode ${JSON.stringify(answer.statusCode)}`)
  }
  const { result, data } = answer
  if (!isObject(data)) throw new AdapterAnswerError('the adapter answer has no data object')
  // A JSON number is refused, not converted: JSON.parse may already have rounded it.
  if (typeof result !== 'string' || !/^(0|[1-9][0-9]*)$/.test(result)) {
    throw new AdapterAnswerError(
      `result must be a non-negative integer string without sign or leading zeros; got ${clip(JSON.stringify(result) ?? 'nothing')}`,
    )
  }
  if (data.result !== result) {
    throw new AdapterAnswerError(
      `data.result ${clip(JSON.stringify(data.result) ?? 'missing')} differs from result "${clip(result)}"`,
    )
  }
  if (data.decimals !== decimals) {
    throw new AdapterAnswerError(
      `data.decimals is ${JSON.stringify(data.decimals) ?? 'missing'}; the receiver takes ${decimals} decimals`,
    )
  }
  const reserve = BigInt(result)
  if (reserve > MAX_ANSWER) throw new AdapterAnswerError(`result ${clip(result)} does not fit uint224`)
  return { answer: reserve, asOfMs: asOfField === undefined ? undefined : readAsOf(data, asOfField) }
}

/** The figure's date in `data[field]`: undefined when the adapter says null (undated); an error otherwise. */
function readAsOf(data: { [key: string]: Json }, field: string): number | undefined {
  const value = data[field]
  if (value === null) return undefined
  const ms = typeof value === 'string' ? (parseIsoTimestamp(value) ?? parseHttpDate(value)) : undefined
  if (ms === undefined) {
    throw new AdapterAnswerError(
      `data.${field} is ${clip(JSON.stringify(value) ?? 'missing')}, not an ISO-8601 or HTTP date`,
    )
  }
  return ms
}
