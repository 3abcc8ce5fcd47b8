/**
 * Setting definitions that several adapters declare in their AdapterConfig, each with its own
 * name and default: exact decimals (bounds, tolerances) and body caps.
 */
import { validator } from '@chainlink/external-adapter-framework/validation/utils'
import { compare, formatUnits, parseDecimal, type ScaledAmount } from './decimal'

/**
 * A setting holding an exact decimal, as text (never a float), checked when the adapter starts:
 * at least 0, above 0 when `positive`, at most `max` when given. Read it with `parseDecimal`.
 */
export function decimalSetting(
  description: string,
  defaultValue: string,
  range: { positive?: boolean; max?: string } = {},
) {
  const max = range.max === undefined ? undefined : parseDecimal(range.max)
  const lower = range.positive ? '(0' : '[0'
  const upper = max === undefined ? '∞)' : `${formatUnits(max.units, max.decimals)}]`
  const details = `a decimal in ${lower}, ${upper}`
  return {
    type: 'string',
    description,
    default: defaultValue,
    sensitive: false,
    validate: {
      meta: { details },
      fn: (value?: string) => {
        if (value === undefined) return undefined
        let parsed: ScaledAmount
        try {
          parsed = parseDecimal(value)
        } catch {
          return `${value} is not ${details}`
        }
        const tooLow = range.positive ? parsed.units <= 0n : parsed.units < 0n
        return tooLow || (max !== undefined && compare(parsed, max) > 0)
          ? `${value} is not ${details}`
          : undefined
      },
    },
  } as const
}

/**
 * The setting capping a provider's answers, in bytes (adapters/common/http-fetch.ts), with the
 * default that suits the provider.
 */
export function maxBodyBytesSetting(provider: string, defaultBytes: number) {
  return {
    type: 'number',
    description: `Largest ${provider} answer read, in bytes (after HTTP decoding); a longer one is not read past this and is an error (502)`,
    default: defaultBytes,
    validate: validator.integer({ min: 1_024, max: 1024 ** 3 }),
  } as const
}

/** The setting timing out one JSON-RPC request to one URL (adapters/common/evm-rpc.ts), `RPC_TIMEOUT_MS`. */
export function rpcTimeoutSetting() {
  return {
    type: 'number',
    description: 'Timeout of one JSON-RPC request to one URL, in milliseconds, before failing over',
    default: 10_000,
    validate: validator.integer({ min: 100, max: 60_000 }),
  } as const
}
