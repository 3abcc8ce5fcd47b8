import { getAddress, verifyMessage } from 'ethers'
import { providerError } from '#common/errors'

/**
 * Checks that `signature` is an EIP-191 `personal_sign` signature over exactly `body` (the bytes
 * received) by `signer`. Throws a 502 when it is missing, malformed, or made by another key —
 * which is also what a body altered after signing looks like: it recovers to another address.
 * Returns the checksummed signer address.
 */
export function checkSignature(
  body: Uint8Array,
  signature: string | null,
  signer: string,
  header: string,
  subject: string,
): string {
  if (signature === null || signature.trim() === '') {
    throw providerError(
      `${subject}: the response has no ${header} header, and ATTESTATION_SIGNER_ADDRESS requires one`,
    )
  }
  const hex = signature.trim().startsWith('0x') ? signature.trim() : `0x${signature.trim()}`
  let recovered: string
  try {
    recovered = verifyMessage(body, hex)
  } catch {
    throw providerError(
      `${subject}: the ${header} header is not a valid signature: ${signature.slice(0, 140)}`,
    )
  }
  const expected = getAddress(signer)
  if (recovered !== expected) {
    throw providerError(
      `${subject}: the ${header} signature does not match the body by ${expected} (it recovers to ${recovered}): the body was altered after signing, or another key signed it`,
    )
  }
  return expected
}
