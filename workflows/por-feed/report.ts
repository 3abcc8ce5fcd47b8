/**
 * The payload of the por-feed workflow's report: the decimal report format Chainlink's `DataFeedsCache`
 * decodes in `onReport`, `abi.encode(ReceivedDecimalReport[])` with each entry
 * `(bytes32 dataId, uint32 timestamp, uint224 answer)`:
 *
 * - `dataId`: the feed's bytes16 data id, left-aligned in the word (the cache reads `bytes16(dataId)`);
 * - `timestamp`: when the answer was true (unix seconds): the cache keeps it as the round's `updatedAt`,
 *   and takes a report only if it is later than the one it holds;
 * - `answer`: the reserve in units of 10^-decimals, the decimals being carried by the data id.
 *
 * The workflow builds it with {@link encodeDecimalReports}; the on-chain tests build theirs with the same
 * function, so what is tested against the real cache is what the workflow sends. SDK-free and
 * dependency-free (see ../shared/abi-words.ts): importable from Node.
 */
import { type Hex, isHexBytes, splitWords, uintWord, wordToUint } from '../shared/abi-words'

/** The Solidity type of the payload (`DataFeedsCache.ReceivedDecimalReport[]`). */
export const DECIMAL_REPORTS_TYPE = 'tuple(bytes32 dataId, uint32 timestamp, uint224 answer)[]'

/** The largest answer the cache stores (`uint224`). */
export const MAX_ANSWER = (1n << 224n) - 1n

/** Words in each entry, and before the entries (offset, count). */
const ENTRY_WORDS = 3
const HEAD_WORDS = 2
/** A data id is 16 bytes: 32 hex characters. */
const DATA_ID_HEX_CHARS = 32

export interface DecimalReport {
  /** The feed's data id, bytes16. */
  dataId: Hex
  /** Unix seconds at which the answer was true. */
  timestamp: bigint
  /** The reserve, in units of 10^-decimals (the decimals of the data id). */
  answer: bigint
}

/** Whether `value` is a bytes16 data id (0x and 32 hex characters). */
export function isDataId(value: string): value is Hex {
  return isHexBytes(value) && value.length === 2 + DATA_ID_HEX_CHARS
}

/** `abi.encode(reports)` as DataFeedsCache decodes it. Throws if a field does not fit its type. */
export function encodeDecimalReports(reports: readonly DecimalReport[]): Hex {
  const words = [uintWord(32n, 256), uintWord(BigInt(reports.length), 256)]
  for (const { dataId, timestamp, answer } of reports) {
    if (!isDataId(dataId)) throw new RangeError(`data id ${dataId} is not 16 bytes of hex`)
    words.push(dataId.slice(2).toLowerCase().padEnd(64, '0'), uintWord(timestamp, 32), uintWord(answer, 224))
  }
  return `0x${words.join('')}`
}

/** Decodes {@link encodeDecimalReports}'s payload; refuses any other layout or a word outside its type. */
export function decodeDecimalReports(payload: Hex): DecimalReport[] {
  const words = splitWords(payload)
  if (words.length < HEAD_WORDS || wordToUint(words[0], 256) !== 32n) {
    throw new RangeError('a decimal report payload starts with the offset 32')
  }
  const count = wordToUint(words[1], 256)
  if (BigInt(words.length) !== BigInt(HEAD_WORDS) + count * BigInt(ENTRY_WORDS)) {
    throw new RangeError(
      `${count} decimal reports take ${HEAD_WORDS} + 3 × ${count} words; got ${words.length}`,
    )
  }
  const reports: DecimalReport[] = []
  for (let i = HEAD_WORDS; i < words.length; i += ENTRY_WORDS) {
    const [idWord, timestampWord, answerWord] = words.slice(i, i + ENTRY_WORDS)
    if (!/^0+$/.test(idWord.slice(DATA_ID_HEX_CHARS))) {
      throw new RangeError(`data id word 0x${idWord} is not a bytes16`)
    }
    reports.push({
      dataId: `0x${idWord.slice(0, DATA_ID_HEX_CHARS)}`,
      timestamp: wordToUint(timestampWord, 32),
      answer: wordToUint(answerWord, 224),
    })
  }
  return reports
}

/** The decimals a decimal data id carries (its byte 7 is 0x20 + decimals), or undefined if it carries none. */
export function dataIdDecimals(dataId: Hex): number | undefined {
  const typeByte = Number.parseInt(dataId.slice(2 + 14, 2 + 16), 16)
  return typeByte >= 0x20 && typeByte <= 0x60 ? typeByte - 0x20 : undefined
}
