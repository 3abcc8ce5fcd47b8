import { getAddress } from 'ethers'
import { inputError } from './errors'
import { quoteInput } from './input'

/**
 * An EVM address from a request, checksummed: `0x` and 40 hex digits, and, when written in
 * mixed case, a valid EIP-55 checksum. Anything else is a 400 naming `field`.
 */
export function checkEvmAddress(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw inputError(`${field}: ${quoteInput(value)} is not an EVM address (0x and 40 hex digits)`)
  }
  try {
    return getAddress(value)
  } catch {
    throw inputError(`${field}: ${value} fails its EIP-55 checksum (mixed case must be checksummed)`)
  }
}
