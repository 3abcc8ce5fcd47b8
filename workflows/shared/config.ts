/**
 * Config fields both workflows share, as zod schemas (the SDK's Runner validates config with any
 * Standard Schema, and zod is the SDK's own dependency). A failed field shows up in the Runner's
 * "Config validation failed" error with its path, e.g. `"path": ["guardAddress"]`.
 */
import { EVMClient, isChainSelectorSupported } from '@chainlink/cre-sdk'
import { z } from 'zod'
import type { Hex } from './abi-words'

const UINT64_MAX = (1n << 64n) - 1n

/** A non-zero 20-byte address. */
export const addressField = z
  .string()
  .regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x-prefixed 20-byte hex address')
  .refine((value) => !/^0x0{40}$/.test(value), 'must not be the zero address')
  .transform((value) => value as Hex)

/** A chain the CRE EVM capability serves, by its chain-selector name (e.g. `ethereum-testnet-sepolia`). */
export const chainSelectorNameField = z
  .string()
  .refine(
    isChainSelectorSupported,
    'is not a chain selector name the CRE EVM capability supports (see EVMClient.SUPPORTED_CHAIN_SELECTORS)',
  )

/** Gas limit of the forwarder transaction that delivers a report: a decimal integer string (uint64). */
export const gasLimitField = z
  .string()
  .regex(/^[1-9][0-9]*$/, 'must be a positive decimal integer string, e.g. "1000000"')
  // zod runs refinements after a failed regex too: only digits reach BigInt
  .refine((value) => !/^[0-9]+$/.test(value) || BigInt(value) <= UINT64_MAX, 'must fit uint64')

/** A CRE cron schedule (5 fields, or 6 with seconds; an optional `TZ=…` prefix). The trigger validates it. */
export const scheduleField = z.string().trim().min(1, 'must be a cron expression, e.g. "0 */10 * * * *"')

/** The EVM client of a chain named by a validated {@link chainSelectorNameField}. */
export function evmClientFor(chainSelectorName: string): EVMClient {
  const selector = (EVMClient.SUPPORTED_CHAIN_SELECTORS as Record<string, bigint | undefined>)[
    chainSelectorName
  ]
  if (selector === undefined) throw new Error(`chainSelectorName ${chainSelectorName} is not supported`)
  return new EVMClient(selector)
}
