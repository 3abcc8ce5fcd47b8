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
  const known = checksummed.get(value)
  if (known !== undefined) return known
  let address: string
  try {
    address = getAddress(value)
  } catch {
    throw inputError(`${field}: ${value} fails its EIP-55 checksum (mixed case must be checksummed)`)
  }
  if (checksummed.size >= CHECKSUMMED_KEPT) checksummed.delete(checksummed.keys().next().value!)
  checksummed.set(value, address)
  return address
}

/**
 * Addresses already checked, as sent, with their checksummed form: a node asks for the same
 * tokens and holders every few seconds, and each checksum is a keccak-256. Only valid addresses
 * are kept, at most {@link CHECKSUMMED_KEPT} (the oldest go first: well under 1 MB).
 */
export const CHECKSUMMED_KEPT = 10_000
const checksummed = new Map<string, string>()
