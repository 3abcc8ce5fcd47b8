import { seededAddress } from '#devkit/bitcoin-address'

/** `count` distinct P2WPKH addresses, the same in every process. */
export function benchAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => seededAddress(`custodian-${i}`))
}

/** The total the simulated custodian of `count` addresses holds (address i holds 100,000 + i sats). */
export function benchTotal(count: number): bigint {
  const n = BigInt(count)
  return 100_000n * n + (n * (n - 1n)) / 2n
}
