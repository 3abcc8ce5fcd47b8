/**
 * The payload of the por-feed workflow's report: `abi.encode(int256 answer, uint8 decimals,
 * uint64 observedAt)`, three static words. The workflow builds it with {@link encodePorReport}; the
 * receiver contract's tests build theirs with the same function, so what is tested on-chain is what
 * the workflow sends. SDK-free and dependency-free (see ../shared/abi-words.ts): importable from Node.
 */
import { type Hex, intWord, splitWords, uintWord, wordToInt, wordToUint } from '../shared/abi-words'

/** The Solidity types of the payload, in order. */
export const POR_REPORT_TYPES = ['int256', 'uint8', 'uint64'] as const

export interface PorReport {
  /** The reserve, in units of 10^-decimals. */
  answer: bigint
  /** Decimals of `answer`: the adapter's `data.decimals`, equal to the receiver's. */
  decimals: number
  /** Unix time in seconds (DON time) at which the execution that read the answer started. */
  observedAt: bigint
}

/** `abi.encode(int256 answer, uint8 decimals, uint64 observedAt)`. Throws if a field does not fit its type. */
export function encodePorReport({ answer, decimals, observedAt }: PorReport): Hex {
  if (!Number.isSafeInteger(decimals)) throw new RangeError(`decimals ${decimals} is not an integer`)
  return `0x${intWord(answer, 256)}${uintWord(BigInt(decimals), 8)}${uintWord(observedAt, 64)}`
}

/** Decodes {@link encodePorReport}'s payload; refuses any other length or a word outside its type. */
export function decodePorReport(payload: Hex): PorReport {
  const words = splitWords(payload)
  if (words.length !== POR_REPORT_TYPES.length) {
    throw new RangeError(`a por-feed report is ${POR_REPORT_TYPES.length} words; got ${words.length}`)
  }
  return {
    answer: wordToInt(words[0], 256),
    decimals: Number(wordToUint(words[1], 8)),
    observedAt: wordToUint(words[2], 64),
  }
}
