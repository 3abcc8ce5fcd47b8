/**
 * `npm run build:contracts`: compiles the contracts (`hardhat build`, into artifacts/) and generates
 * their ethers v6 types with TypeChain into chain/typechain/. `npm test`, `npm run lint` and the
 * benches run it first. Nothing it writes is committed: a fresh clone builds it all.
 *
 * The typings are regenerated from scratch each time, so a contract that was removed leaves no stale
 * type behind for code to compile against.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { BaseContract } from 'ethers'
import { runTypeChain } from 'typechain'
import { ARTIFACTS_DIR, artifactFile, artifactNames } from '#chain/artifacts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const outDir = join(root, 'chain', 'typechain')

// Hardhat's CLI under the Node running this script (Node 24 from devDependencies), whatever is on PATH.
const hardhat = spawnSync(
  process.execPath,
  [join(root, 'node_modules/hardhat/dist/src/cli.js'), 'build', '--quiet'],
  { cwd: root, stdio: 'inherit' },
)
if (hardhat.status !== 0) {
  process.stderr.write(`hardhat build failed (exit ${hardhat.status})\n`)
  process.exit(hardhat.status ?? 1)
}

/**
 * A contract function named like a member of ethers' BaseContract (ACE's PolicyEngine has `attach()`) would be
 * typed by TypeChain in place of that member, which makes the type no BaseContract and does not compile; at run
 * time the member wins anyway. Such functions are left out of the typings (call them with `getFunction(name)`):
 * TypeChain reads copies of the artifacts without them.
 */
const baseContractMembers = new Set(Object.getOwnPropertyNames(BaseContract.prototype))
const typedAbi = (abi: { type: string; name?: string }[]) =>
  abi.filter((item) => item.type !== 'function' || !baseContractMembers.has(item.name ?? ''))

const inputDir = mkdtempSync(join(tmpdir(), 'typechain-input-'))
const files = artifactNames().map((name) => {
  const source = artifactFile(name)
  const copy = join(inputDir, relative(ARTIFACTS_DIR, source))
  const artifact = JSON.parse(readFileSync(source, 'utf8')) as { abi: { type: string; name?: string }[] }
  mkdirSync(dirname(copy), { recursive: true })
  writeFileSync(copy, JSON.stringify({ ...artifact, abi: typedAbi(artifact.abi) }))
  return copy
})
rmSync(outDir, { recursive: true, force: true })
try {
  const { filesGenerated } = await runTypeChain({
    cwd: root,
    filesToProcess: files,
    allFiles: files,
    inputDir,
    outDir,
    target: 'ethers-v6',
  })
  process.stdout.write(
    `typechain: ${filesGenerated} files for ${files.length} artifacts in ${relative(root, outDir)}/\n`,
  )
} finally {
  rmSync(inputDir, { recursive: true, force: true })
}
