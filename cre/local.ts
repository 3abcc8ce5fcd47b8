/**
 * The local CRE a rehearsal runs on: Chainlink's KeystoneForwarder (1.5.0) on the chain, configured with a DON of
 * fresh local keys (devkit/keystone.ts), a transmitter account that sends the DON's reports, and the workflow
 * owner the reports name. `npm run cre -- local` deploys it and writes it down (the keys are throwaway, the file
 * git-ignored); the other commands read it back.
 *
 * The rehearsal's workflow IDs are stand-ins: CRE computes a workflow's ID from its owner, name, compiled WASM
 * and config (`cre workflow hash`), so each build and config change makes a new one; the rehearsal's is the
 * SHA-256 of the owner and the name ({@link rehearsalWorkflowId}), so that allowing it on a receiver once
 * lasts while the workflow and its config are edited.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import {
  NonceManager,
  Wallet,
  getAddress,
  parseEther,
  sha256,
  toUtf8Bytes,
  type JsonRpcProvider,
  type Signer,
} from 'ethers'
import { keystoneForwarderAt } from '#chain/contracts'
import { deployLocalKeystone, type LocalKeystone } from '#devkit/keystone'
import type { WorkflowIdentity } from './capabilities'

/** Where `local` writes the deployment (git-ignored), unless CRE_LOCAL_DEPLOYMENT says. */
export const DEFAULT_LOCAL_DEPLOYMENT_FILE = resolve(
  dirname(fileURLToPath(import.meta.url)),
  'local-deployment.json',
)

/** What `local` deployed, and the keys the rehearsal signs and transmits with. */
export interface LocalCreDeployment {
  chainId: number
  forwarder: string
  don: { donId: number; configVersion: number; f: number; signerKeys: string[] }
  /** the key of the account that sends the DON's report transactions (funded by `local`) */
  transmitterKey: string
  /** the workflow owner the rehearsal's reports name: the account that ran `local` */
  workflowOwner: string
}

/** The native token `local` sends the transmitter, for the report transactions' gas. */
const TRANSMITTER_FUNDING = parseEther('10')

/**
 * Deploys KeystoneForwarder with a DON of `3f + 1` fresh keys (f = 1), funds a fresh transmitter from `deployer`,
 * and names the workflow owner (default: `deployer`).
 */
export async function deployLocalCre(deployer: Signer, workflowOwner?: string): Promise<LocalCreDeployment> {
  const keystone = await deployLocalKeystone(deployer)
  const transmitter = Wallet.createRandom()
  await (await deployer.sendTransaction({ to: transmitter.address, value: TRANSMITTER_FUNDING })).wait()
  const { chainId } = await deployer.provider!.getNetwork()
  const { donId, configVersion, f, signers } = keystone.don
  return {
    chainId: Number(chainId),
    forwarder: keystone.address,
    don: { donId, configVersion, f, signerKeys: signers.map((signer) => signer.privateKey) },
    transmitterKey: transmitter.privateKey,
    workflowOwner: workflowOwner ?? (await deployer.getAddress()),
  }
}

/** The forwarder and DON of a deployment, on `provider`, and its transmitter (counting its own nonces). */
export function localKeystone(
  deployment: LocalCreDeployment,
  provider: JsonRpcProvider,
): { keystone: LocalKeystone; transmitter: Signer } {
  const { donId, configVersion, f, signerKeys } = deployment.don
  return {
    keystone: {
      forwarder: keystoneForwarderAt(deployment.forwarder, provider),
      address: deployment.forwarder,
      don: { donId, configVersion, f, signers: signerKeys.map((key) => new Wallet(key)) },
    },
    transmitter: new NonceManager(new Wallet(deployment.transmitterKey, provider)),
  }
}

/** The rehearsal's stand-in for a workflow's ID: SHA-256 of its owner and name (see the file's comment). */
export function rehearsalWorkflowId(owner: string, name: string): string {
  return sha256(toUtf8Bytes(`cre rehearsal:${getAddress(owner)}:${name}`))
}

/** The identity the rehearsal's reports of workflow `name` carry. */
export function rehearsalIdentity(deployment: LocalCreDeployment, name: string): WorkflowIdentity {
  return { id: rehearsalWorkflowId(deployment.workflowOwner, name), name, owner: deployment.workflowOwner }
}

export function readLocalCre(file: string): LocalCreDeployment | undefined {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalCreDeployment) : undefined
}

export function writeLocalCre(file: string, deployment: LocalCreDeployment): void {
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n')
}
