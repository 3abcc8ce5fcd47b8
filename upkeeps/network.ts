/**
 * Where the tools act: the networks of upkeeps/networks.json (Automation 2.3 addresses, each with the public
 * page it comes from), the local deployment written by `npm run upkeeps -- local`, the RPC endpoint and the
 * signing key, both from the environment (or the RPC from a flag). Nothing here prompts: a missing setting is
 * an error that says which one.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { getAddress, type JsonRpcProvider, type Signer } from 'ethers'
import { connectRpc, hostOf, signerFromEnv as sendingKey } from '#devkit/chain-cli'
import type { LocalAutomation } from '#devkit/automation'
import { UpkeepsError } from './errors'

export { hostOf } from '#devkit/chain-cli'

const HERE = dirname(fileURLToPath(import.meta.url))

/** The committed network configuration. */
export const NETWORKS_FILE = resolve(HERE, 'networks.json')

/** Where `npm run upkeeps -- local` records its deployment (git-ignored), unless UPKEEPS_LOCAL_DEPLOYMENT says. */
export const DEFAULT_LOCAL_DEPLOYMENT_FILE = resolve(HERE, 'local-deployment.json')

/** The variables the tools read. */
export const ENV = {
  privateKey: 'UPKEEPS_PRIVATE_KEY',
  rpcUrl: 'UPKEEPS_RPC_URL',
  localDeployment: 'UPKEEPS_LOCAL_DEPLOYMENT',
} as const

export type Env = Record<string, string | undefined>

export interface SourcedAddress {
  address: string
  /** the public page the address was taken from */
  source: string
}

/**
 * A network as networks.json describes it: its chain id and LINK, and its Automation 2.3 registry and registrar
 * where a stored Chainlink source documents them as 2.3; where none does, `unlisted` says why they are left
 * out, and the user passes --registry and --registrar.
 */
export interface NetworkEntry {
  chainId: number
  automation: '2.3'
  link: SourcedAddress
  versionSource?: string
  registry?: SourcedAddress
  registrar?: SourcedAddress
  unlisted?: string
}

/** The Automation 2.3 contracts the tools use on one chain. */
export interface AutomationNetwork {
  name: string
  chainId: number
  registry?: string
  registrar?: string
  link: string
  /** why the registry and registrar are not configured (the user passes them) */
  unlisted?: string
  /** where each address comes from (a documentation URL, or the local deployment file) */
  sources: { registry?: string; registrar?: string; link: string }
  /** set for the local network: the deployment, with the DON keys the runner transmits with */
  local?: LocalAutomation
}

function checksummed(value: unknown, where: string): string {
  if (typeof value !== 'string' || getAddress(value) !== value) {
    throw new Error(`${where} must be a checksummed address, got ${JSON.stringify(value)}`)
  }
  return value
}

function sourced(value: unknown, where: string): SourcedAddress {
  const entry = value as Partial<SourcedAddress> | undefined
  const address = checksummed(entry?.address, `${where}.address`)
  if (typeof entry?.source !== 'string' || !/^https:\/\/\S+$/.test(entry.source)) {
    throw new Error(`${where}.source must be the https URL of the page the address comes from`)
  }
  return { address, source: entry.source }
}

/** The networks of a networks.json, checked: chain ids, checksummed addresses, a source URL for each. */
export function loadNetworks(file = NETWORKS_FILE): Record<string, NetworkEntry> {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { networks?: Record<string, Record<string, unknown>> }
  const networks: Record<string, NetworkEntry> = {}
  for (const [name, entry] of Object.entries(raw.networks ?? {})) {
    if (name === 'local') continue // filled at run time
    if (!Number.isSafeInteger(entry.chainId) || (entry.chainId as number) <= 0) {
      throw new Error(`networks.${name}.chainId must be a positive integer`)
    }
    if (entry.automation !== '2.3') throw new Error(`networks.${name}: only Automation 2.3 is supported`)
    const link = sourced(entry.link, `networks.${name}.link`)
    if (entry.registry === undefined && entry.registrar === undefined) {
      if (typeof entry.unlisted !== 'string' || !entry.unlisted.includes('https://')) {
        throw new Error(
          `networks.${name}: without a registry and registrar, unlisted must say why, citing the page consulted`,
        )
      }
      networks[name] = { chainId: entry.chainId as number, automation: '2.3', link, unlisted: entry.unlisted }
      continue
    }
    if (typeof entry.versionSource !== 'string' || !entry.versionSource.includes('https://')) {
      throw new Error(`networks.${name}.versionSource must cite the page that says the contracts are 2.3`)
    }
    networks[name] = {
      chainId: entry.chainId as number,
      automation: '2.3',
      versionSource: entry.versionSource,
      registry: sourced(entry.registry, `networks.${name}.registry`),
      registrar: sourced(entry.registrar, `networks.${name}.registrar`),
      link,
    }
  }
  return networks
}

export function localDeploymentFile(env: Env): string {
  return env[ENV.localDeployment] ?? DEFAULT_LOCAL_DEPLOYMENT_FILE
}

export function readLocalDeployment(env: Env): LocalAutomation | undefined {
  const file = localDeploymentFile(env)
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as LocalAutomation) : undefined
}

export function writeLocalDeployment(env: Env, deployment: LocalAutomation): string {
  const file = localDeploymentFile(env)
  writeFileSync(file, JSON.stringify(deployment, null, 2) + '\n')
  return file
}

function fromLocal(deployment: LocalAutomation, file: string): AutomationNetwork {
  return {
    name: 'local',
    chainId: deployment.chainId,
    registry: deployment.registry,
    registrar: deployment.registrar,
    link: deployment.link,
    sources: { registry: file, registrar: file, link: file },
    local: deployment,
  }
}

function fromEntry(name: string, entry: NetworkEntry): AutomationNetwork {
  return {
    name,
    chainId: entry.chainId,
    registry: entry.registry?.address,
    registrar: entry.registrar?.address,
    link: entry.link.address,
    unlisted: entry.unlisted,
    sources: {
      registry: entry.registry?.source,
      registrar: entry.registrar?.source,
      link: entry.link.source,
    },
  }
}

export interface Connection {
  provider: JsonRpcProvider
  chainId: number
  /** the configured network for this chain, if any */
  network?: AutomationNetwork
}

/**
 * Connects to the RPC (`--rpc-url`, else UPKEEPS_RPC_URL) and picks the network: the one named by `--network`
 * (its chain id must match the RPC's), else the configured network or local deployment with the RPC's chain id.
 */
export async function connect(options: { network?: string; rpcUrl?: string }, env: Env): Promise<Connection> {
  const url = options.rpcUrl ?? env[ENV.rpcUrl]
  if (!url) throw new UpkeepsError(`no RPC endpoint: pass --rpc-url or set ${ENV.rpcUrl}`, 'usage')
  const { provider, chainId } = await connectRpc(url)

  const networks = loadNetworks()
  const local = readLocalDeployment(env)
  let network: AutomationNetwork | undefined
  if (options.network === 'local') {
    if (!local) {
      throw new UpkeepsError(
        `no local deployment at ${localDeploymentFile(env)}: run npm run upkeeps -- local --rpc-url <url> first`,
        'usage',
      )
    }
    network = fromLocal(local, localDeploymentFile(env))
  } else if (options.network) {
    const entry = networks[options.network]
    if (!entry) {
      const names = [...Object.keys(networks), 'local'].join(', ')
      throw new UpkeepsError(`unknown network ${options.network}: networks.json has ${names}`, 'usage')
    }
    network = fromEntry(options.network, entry)
  } else {
    const match = Object.entries(networks).find(([, entry]) => entry.chainId === chainId)
    if (match) network = fromEntry(match[0], match[1])
    else if (local && local.chainId === chainId) network = fromLocal(local, localDeploymentFile(env))
  }
  if (network && network.chainId !== chainId) {
    provider.destroy()
    throw new UpkeepsError(
      `the RPC at ${hostOf(url)} is chain ${chainId}, but network ${network.name} is chain ${network.chainId}`,
      'usage',
    )
  }
  // A development chain restarted keeps its chain id but loses its contracts: the file outlives them.
  if (network?.local && (await provider.getCode(network.local.registry)) === '0x') {
    provider.destroy()
    throw new UpkeepsError(
      `the local deployment in ${localDeploymentFile(env)} is from an earlier chain: its registry ` +
        `${network.local.registry} is not a contract on the chain at ${hostOf(url)} (was the node restarted?). ` +
        `Run local again: npm run upkeeps -- local`,
      'usage',
    )
  }
  return { provider, chainId, network }
}

/**
 * The signer for commands that send: UPKEEPS_PRIVATE_KEY, never a prompt. `purpose` says what the key is for,
 * so the error tells the user which key to set.
 */
export function signerFromEnv(env: Env, connection: Connection, purpose: string): Signer {
  return sendingKey(env, ENV.privateKey, connection.provider, purpose)
}
