/**
 * Reading one auditor attestation: the shapes that Armanino / TrustExplorer, The Network Firm,
 * Moore HK and Harris & Trotter publish, with every figure kept exact from the response text.
 *
 * - TUSD-style: `{ accountName, totalTrust, totalToken, updatedAt, token: [{ tokenName: "TUSD (ETH)",
 *   totalTokenByChain, totalTrustByChain? }], ripcord, ripcordDetails: string[] }`
 * - The Network Firm-style: `{ accountName, totalReserve, totalToken, timestamp, ripcord, ripcordDetails? }`
 * - either with the numbers sent as strings;
 * - Harris & Trotter-style: `ripcordDetails` as an object of booleans.
 */
import {
  abs,
  add,
  compare,
  formatUnits,
  parseDecimal,
  rescale,
  subtract,
  type ScaledAmount,
} from '#common/decimal'
import { providerError } from '#common/errors'
import {
  JsonNumber,
  isJsonRecord,
  numericText,
  showJson,
  type JsonRecord,
  type LosslessJson,
} from '#common/json'
import { ageProblem, parseIsoTimestamp } from '#common/time'

export const ATTESTATION_FIELDS = ['totalReserve', 'totalTrust', 'totalToken'] as const
export type AttestationField = (typeof ATTESTATION_FIELDS)[number]

/** The attestation document: the response body, which must be a JSON object. */
export function asAttestation(body: LosslessJson, subject: string): JsonRecord {
  if (!isJsonRecord(body)) throw providerError(`${subject}: the attestation is not a JSON object`)
  return body
}

export interface Ripcord {
  raised: boolean
  /** What the auditor gives as the reasons, as a list of strings whatever the response shape. */
  details: string[]
}

/**
 * The ripcord flag and its details. `ripcord` must be a boolean (`true` / `false`, or the same
 * as a string). `ripcordDetails` may be a list of strings, an object of booleans (the names set
 * to true are the details), a single string, or absent. A detail flag set to true in the object
 * form raises the ripcord even when `ripcord` itself says false: the auditor has flagged it.
 */
export function readRipcord(doc: JsonRecord, subject: string): Ripcord {
  const raw = doc.ripcord
  let flag: boolean
  if (raw === true || raw === false) flag = raw
  else if (typeof raw === 'string' && /^(true|false)$/i.test(raw.trim()))
    flag = raw.trim().toLowerCase() === 'true'
  else if (raw === undefined) throw providerError(`${subject}: ripcord is missing`)
  else throw providerError(`${subject}: ripcord is not a boolean: ${showJson(raw)}`)

  const rawDetails = doc.ripcordDetails
  if (rawDetails === undefined || rawDetails === null) return { raised: flag, details: [] }
  if (typeof rawDetails === 'string') {
    return { raised: flag, details: rawDetails.trim() ? [rawDetails.trim()] : [] }
  }
  if (Array.isArray(rawDetails)) {
    return {
      raised: flag,
      details: rawDetails.map((d) =>
        typeof d === 'string' ? d : d instanceof JsonNumber ? d.text : showJson(d),
      ),
    }
  }
  if (isJsonRecord(rawDetails)) {
    const flagged: string[] = []
    for (const [name, value] of Object.entries(rawDetails)) {
      const set = booleanOf(value)
      if (set === undefined) {
        throw providerError(`${subject}: ripcordDetails.${name} is not a boolean: ${showJson(value)}`)
      }
      if (set) flagged.push(name)
    }
    return { raised: flag || flagged.length > 0, details: flagged }
  }
  throw providerError(`${subject}: ripcordDetails is neither a list nor an object: ${showJson(rawDetails)}`)
}

export interface AttestationTime {
  ms: number
  /** The field the time was read from and its text, as sent. */
  field: 'updatedAt' | 'timestamp'
  text: string
}

/**
 * When the auditor attested: `updatedAt` (TUSD-style) or `timestamp` (The Network Firm-style),
 * an ISO-8601 time with a zone. When both are sent, the older one counts.
 */
export function readAttestationTime(doc: JsonRecord, subject: string): AttestationTime {
  const times: AttestationTime[] = []
  for (const field of ['updatedAt', 'timestamp'] as const) {
    const value = doc[field]
    if (value === undefined || value === null) continue
    const ms = typeof value === 'string' ? parseIsoTimestamp(value) : undefined
    if (ms === undefined) {
      throw providerError(`${subject}: ${field} is not an ISO-8601 time with a zone: ${showJson(value)}`)
    }
    times.push({ ms, field, text: value as string })
  }
  if (times.length === 0)
    throw providerError(`${subject}: the attestation time (updatedAt or timestamp) is missing`)
  return times.reduce((older, t) => (t.ms < older.ms ? t : older))
}

/**
 * Rejects an attestation older than `maxAgeSeconds`, or dated further in the future than
 * `skewSeconds`, with a message giving its age.
 */
export function checkAge(
  time: AttestationTime,
  nowMs: number,
  maxAgeSeconds: number,
  skewSeconds: number,
  subject: string,
): void {
  const problem = ageProblem(time.ms, nowMs, maxAgeSeconds, skewSeconds)
  if (problem) throw providerError(`${subject}: the attestation (${time.field} ${time.text}) ${problem}`)
}

export interface Figure {
  /** The figure × 10^decimals, rounded down. */
  units: bigint
  /** Where it was read: `totalTrust`, `token[0].totalTokenByChain`, … */
  source: string
  /** The figure exactly as the auditor wrote it. */
  text: string
}

/** The reserve is `totalReserve` in one vocabulary and `totalTrust` in the other. */
const RESERVE_SYNONYM: Record<AttestationField, AttestationField | undefined> = {
  totalReserve: 'totalTrust',
  totalTrust: 'totalReserve',
  totalToken: undefined,
}

/**
 * The asked figure × 10^decimals, exact from the response text and rounded down.
 *
 * Without `chain`: the top-level field. `totalReserve` and `totalTrust` both name the reserve:
 * each is read under its own name, or under the other when the response uses that vocabulary.
 * With `chain`: the `token[]` entry whose tokenName ends in that chain label in parentheses
 * (`"TUSD (ETH)"` for `eth`, compared whole and case-insensitively), its `totalTokenByChain`
 * for `totalToken` and its `totalTrustByChain` otherwise.
 */
export function readFigure(
  doc: JsonRecord,
  field: AttestationField,
  chain: string | undefined,
  decimals: number,
  subject: string,
): Figure {
  if (chain === undefined) {
    const synonym = RESERVE_SYNONYM[field]
    if (!absent(doc[field]) || synonym === undefined) return figureAt(doc[field], field, decimals, subject)
    if (!absent(doc[synonym])) return figureAt(doc[synonym], synonym, decimals, subject)
    throw providerError(`${subject}: ${field} (or ${synonym}) is missing`)
  }
  const tokens = doc.token
  if (!Array.isArray(tokens)) {
    throw providerError(`${subject}: chain "${chain}" was asked for, but the attestation has no token list`)
  }
  const wanted = chain.trim().toLowerCase()
  const labels: string[] = []
  const matches: number[] = []
  for (const [i, entry] of tokens.entries()) {
    if (!isJsonRecord(entry)) throw providerError(`${subject}: token[${i}] is not an object`)
    if (typeof entry.tokenName !== 'string')
      throw providerError(`${subject}: token[${i}].tokenName is missing`)
    const label = chainLabel(entry.tokenName)
    if (label === undefined) continue
    labels.push(label)
    if (label.toLowerCase() === wanted) matches.push(i)
  }
  if (matches.length === 0) {
    throw providerError(
      `${subject}: no token entry for chain "${chain}" (the chains listed are: ${labels.join(', ') || 'none'})`,
    )
  }
  if (matches.length > 1) {
    throw providerError(
      `${subject}: chain "${chain}" appears in ${matches.length} token entries (token[${matches.join('], token[')}])`,
    )
  }
  const i = matches[0]
  const key = field === 'totalToken' ? 'totalTokenByChain' : 'totalTrustByChain'
  return figureAt((tokens[i] as JsonRecord)[key], `token[${i}].${key}`, decimals, subject)
}

/** The chain label of a token name: the text in the closing parentheses (`"TUSD (ETH)"` → `ETH`). */
export function chainLabel(tokenName: string): string | undefined {
  const match = /\(([^()]*)\)\s*$/.exec(tokenName)
  const label = match?.[1].trim()
  return label ? label : undefined
}

function figureAt(value: LosslessJson | undefined, path: string, decimals: number, subject: string): Figure {
  const { amount, text } = exactFigureAt(value, path, subject)
  return { units: rescale(amount.units, amount.decimals, decimals, 'down'), source: path, text }
}

/** A figure exactly as sent: a non-negative decimal, or a 502 naming `path`. */
function exactFigureAt(
  value: LosslessJson | undefined,
  path: string,
  subject: string,
): { amount: ScaledAmount; text: string } {
  if (absent(value)) throw providerError(`${subject}: ${path} is missing`)
  const text = numericText(value)
  if (text === undefined) throw providerError(`${subject}: ${path} is not a number: ${showJson(value)}`)
  let amount
  try {
    amount = parseDecimal(text, path)
  } catch {
    throw providerError(`${subject}: ${path} is not a decimal number: ${showJson(value)}`)
  }
  if (amount.units < 0n) throw providerError(`${subject}: ${path} is negative: ${text}`)
  return { amount, text }
}

/** What the figures of one attestation must satisfy, from the settings. */
export interface CoherenceLimits {
  /** No figure is larger (ATTESTATION_MAX_FIGURE). */
  maxFigure: ScaledAmount
  /** How far apart two figures for one quantity may be (ATTESTATION_TOTAL_TOLERANCE). */
  tolerance: ScaledAmount
}

/**
 * Checks that the attestation is one coherent reading, whatever figure is asked; otherwise a
 * 502 naming the figures:
 * - every figure (`totalReserve`, `totalTrust`, `totalToken`, each `token[].totalTokenByChain`
 *   and `totalTrustByChain`) at most `maxFigure`: a larger one cannot be true;
 * - `totalReserve` and `totalTrust`, when both are sent, agree: they name the same figure;
 * - per-chain figures against their total (`totalTokenByChain` against `totalToken`,
 *   `totalTrustByChain` against `totalTrust`, or `totalReserve`): when every entry of `token`
 *   gives one, their sum is the total; when only some do, their sum is at most the total.
 * "Agree" is within `tolerance`, exact when it is 0.
 */
export function checkCoherence(doc: JsonRecord, limits: CoherenceLimits, subject: string): void {
  const maxFigure = show(limits.maxFigure)
  const tolerance = `ATTESTATION_TOTAL_TOLERANCE (${show(limits.tolerance)})`
  const read = (value: LosslessJson | undefined, path: string) => {
    if (absent(value)) return undefined
    const figure = { ...exactFigureAt(value, path, subject), path }
    if (compare(figure.amount, limits.maxFigure) > 0) {
      throw providerError(
        `${subject}: ${path} ${figure.text} is more than ATTESTATION_MAX_FIGURE (${maxFigure}): no attestation can be that large`,
      )
    }
    return figure
  }
  const apart = (a: ScaledAmount, b: ScaledAmount) => compare(abs(subtract(a, b)), limits.tolerance) > 0

  const reserve = read(doc.totalReserve, 'totalReserve')
  const trust = read(doc.totalTrust, 'totalTrust')
  const supply = read(doc.totalToken, 'totalToken')
  if (reserve && trust && apart(reserve.amount, trust.amount)) {
    throw providerError(
      `${subject}: totalReserve ${reserve.text} and totalTrust ${trust.text} disagree, by more than ${tolerance}: they name the same figure`,
    )
  }

  const entries = Array.isArray(doc.token) ? doc.token : []
  const parts = [
    ['totalTokenByChain', supply],
    ['totalTrustByChain', trust ?? reserve],
  ] as const
  for (const [key, total] of parts) {
    const given = entries.flatMap((entry, i) =>
      isJsonRecord(entry) ? (read(entry[key], `token[${i}].${key}`) ?? []) : [],
    )
    if (given.length === 0 || total === undefined) continue
    const sum = given.reduce((acc, part) => add(acc, part.amount), { units: 0n, decimals: 0 })
    if (given.length === entries.length) {
      if (apart(sum, total.amount)) {
        throw providerError(
          `${subject}: ${total.path} ${total.text} disagrees with the sum of token[].${key}, ${show(sum)} (${given.length} entries), by more than ${tolerance}`,
        )
      }
    } else if (compare(sum, add(total.amount, limits.tolerance)) > 0) {
      throw providerError(
        `${subject}: the sum of token[].${key}, ${show(sum)} (${given.length} of ${entries.length} entries), is more than ${total.path} ${total.text}, by more than ${tolerance}`,
      )
    }
  }
}

function show(amount: ScaledAmount): string {
  return formatUnits(amount.units, amount.decimals)
}

function absent(value: LosslessJson | undefined): value is null | undefined {
  return value === undefined || value === null
}

function booleanOf(value: LosslessJson): boolean | undefined {
  if (value === true || value === false) return value
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
    return value.trim().toLowerCase() === 'true'
  return undefined
}
