/**
 * Reading an external adapter's answer (the Chainlink bridge protocol) into one exact integer, or
 * refusing it. Success is HTTP 200 with
 * `{ "result": "<integer>", "data": { "result": "<same>", "decimals": <n>, … }, "statusCode": 200 }`;
 * anything else, and a raised ripcord anywhere in the answer, is an error: the node observes nothing
 * and, unless enough other nodes read a good answer, the execution writes nothing. Pure (no SDK):
 * each DON node runs it on the answer it received.
 */

/** The largest `int256`: the receiver stores the answer as one. */
const INT256_MAX = (1n << 255n) - 1n
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

/**
 * The reserve an adapter answered, in units of 10^-`decimals`.
 *
 * @param statusCode the HTTP status of the answer
 * @param body the answer's body text
 * @param decimals the decimals the receiver expects: `data.decimals` must equal them
 * @throws RipcordError when `ripcord` is true anywhere in the answer, whatever the status
 * @throws AdapterAnswerError on any status but 200, a body that is not a JSON object, `result` and
 * `data.result` not the same canonical non-negative integer string, a value above int256, or
 * `data.decimals` missing or not `decimals`
 */
export function readAdapterAnswer(statusCode: number, body: string, decimals: number): bigint {
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
  if (reserve > INT256_MAX) throw new AdapterAnswerError(`result ${clip(result)} does not fit int256`)
  return reserve
}
