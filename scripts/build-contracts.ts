/**
 * `npm run build:contracts`: compiles the contracts (`hardhat build`, into artifacts/) and generates
 * their ethers v6 types with TypeChain into chain/typechain/. `npm test`, `npm run lint` and the
 * benches run it first. Nothing it writes is committed: a fresh clone builds it all.
 *
 * The typings are regenerated from scratch each time, so a contract that was removed leaves no stale
 * type behind for code to compile against.
 */
import { spawnSync } from 'node:child_process'
import { rmSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
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

const files = artifactNames().map(artifactFile)
rmSync(outDir, { recursive: true, force: true })
const { filesGenerated } = await runTypeChain({
  cwd: root,
  filesToProcess: files,
  allFiles: files,
  inputDir: ARTIFACTS_DIR,
  outDir,
  target: 'ethers-v6',
})
process.stdout.write(
  `typechain: ${filesGenerated} files for ${files.length} artifacts in ${relative(root, outDir)}/\n`,
)
