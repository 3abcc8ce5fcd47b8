/**
 * Test helper: the ABIs of contracts compiled by `hardhat build` (run by `npm run test:workflows`),
 * so the workflows' inline ABI fragments are checked against the contracts they call. Read with a
 * JSON import rather than chain/artifacts.ts: that module reads files with node:fs, which the CRE
 * SDK's types forbid in any program that imports the SDK.
 */
import type { InterfaceAbi } from 'ethers'

const ARTIFACTS = new URL('../../artifacts/', import.meta.url)

/** The ABI of a contract by its artifact path under artifacts/, e.g. `contracts/ReserveGuard.sol/ReserveGuard`. */
export async function artifactAbi(path: string): Promise<InterfaceAbi> {
  const url = new URL(`${path}.json`, ARTIFACTS)
  const artifact = (await import(url.href, { with: { type: 'json' } })) as { default: { abi: InterfaceAbi } }
  return artifact.default.abi
}
