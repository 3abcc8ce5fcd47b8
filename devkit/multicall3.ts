/** Multicall3 at its canonical address on a local chain (tests and benches of the EVM adapters). */
import type { JsonRpcProvider, NonceManager } from 'ethers'
import { readArtifact } from '#chain/artifacts'
import { ARTIFACT } from '#chain/contracts'
import { MULTICALL3_ADDRESS } from '#common/evm-rpc'
import { fundedSigner } from './local-chain'

/** Runtime bytecode of contracts/mocks/MinimalMulticall3.sol (compiled by `hardhat build`). */
export function multicall3RuntimeCode(): string {
  return readArtifact(ARTIFACT.MinimalMulticall3).deployedBytecode
}

/**
 * Puts the Multicall3-compatible mock at the canonical address, unless it is already there.
 * Idempotent: test files run in parallel on shared chains and may all call it.
 *
 * `hardhat_setCode` takes effect from the next block: a read pinned `depth` blocks back sees the
 * code only once `depth` more blocks have been mined. With `depth` > 0, blocks are mined (by
 * zero-value transfers from a fresh funded account, as any test does) until it does.
 */
export async function ensureMulticall3(provider: JsonRpcProvider, depth = 0): Promise<void> {
  const code = multicall3RuntimeCode()
  const current = (await provider.send('eth_getCode', [MULTICALL3_ADDRESS, 'latest'])) as string
  if (current.toLowerCase() !== code.toLowerCase()) {
    await provider.send('hardhat_setCode', [MULTICALL3_ADDRESS, code])
  }
  let signer: NonceManager | undefined
  for (;;) {
    const latest = await provider.getBlockNumber()
    const tag = `0x${Math.max(0, latest - depth).toString(16)}`
    const then = (await provider.send('eth_getCode', [MULTICALL3_ADDRESS, tag])) as string
    if (then.toLowerCase() === code.toLowerCase()) return
    signer ??= await fundedSigner(provider)
    await (await signer.sendTransaction({ to: await signer.getAddress(), value: 0n })).wait()
  }
}
