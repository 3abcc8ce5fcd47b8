/**
 * Loopback providers for trying the adapters by hand (`npm run simulate -- <provider> …`): each
 * started with a small, known state, and described by the settings that point an adapter at it,
 * a request to ask the adapter and the answer it must give.
 */
import { Wallet } from 'ethers'
import { deployDecimalsToken, deployPoRAddressList } from '#chain/contracts'
import { seededAddress } from './bitcoin-address'
import { chainProvider, fundedSigner, startHardhatNode, LOCAL_CHAINS } from './local-chain'
import { serveAttestationApi } from './simulators/attestation'
import { EsploraSim, serveEsplora } from './simulators/esplora'
import { LONDON_VAULT, serveVaultApi } from './simulators/vault'

/** The providers `npm run simulate` starts, by the name given on its command line. */
export const SIMULATED_PROVIDERS = ['esplora', 'attestation', 'vault', 'chain'] as const
export type SimulatedProvider = (typeof SIMULATED_PROVIDERS)[number]

/** One adapter to try against a simulated provider. */
export interface Trial {
  adapter: string
  /** The bridge request's `data`. */
  data: Record<string, unknown>
  /** The answer's `result` (a numeric adapter), or `data.result` (an address list). */
  expected: string | unknown[]
}

export interface Simulation {
  provider: SimulatedProvider
  /** What it serves, in a line. */
  title: string
  /** The settings pointing an adapter at it. */
  env: Record<string, string>
  trials: Trial[]
  close(): Promise<void>
}

/** The custodians of the simulated ledger, also listed in the simulated chain's PoRAddressList. */
const CUSTODIANS = [seededAddress('simulate-1'), seededAddress('simulate-2')]
const bitcoin = (address: string) => ({ address, network: 'bitcoin', chainId: 'mainnet' })

async function esplora(): Promise<Simulation> {
  const ledger = new EsploraSim()
  ledger.fund(CUSTODIANS[0], 10_000_000_000n) // 100 BTC
  ledger.fund(CUSTODIANS[1], 25_000_000_000n) // 250 BTC
  ledger.mine(10)
  ledger.fund(CUSTODIANS[1], 5_000_000_000n) // 50 BTC more, with 3 confirmations
  ledger.mine(2)
  const server = await serveEsplora(ledger)
  return {
    provider: 'esplora',
    title: `a bitcoin ledger on Esplora's API: 2 custodian addresses, tip at height ${ledger.tip}`,
    env: { BITCOIN_MAINNET_ESPLORA_URL: server.url },
    trials: [
      {
        adapter: 'btc-balance',
        data: { addresses: CUSTODIANS.map(bitcoin), minConfirmations: 6 },
        // 100 + 250 BTC: the last 50 have 3 confirmations only.
        expected: '35000000000',
      },
    ],
    close: server.close,
  }
}

async function attestation(): Promise<Simulation> {
  const server = await serveAttestationApi({
    usdx: { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
  })
  return {
    provider: 'attestation',
    title: "an auditor's real-time attestation API: client usdx, dated at each request",
    env: { ATTESTATION_API_URL: server.url },
    trials: [
      {
        adapter: 'attestation',
        data: { client: 'usdx', field: 'totalReserve', decimals: 18 },
        expected: '1000523419870000000000000000',
      },
    ],
    close: server.close,
  }
}

async function vault(): Promise<Simulation> {
  const server = await serveVaultApi({ london: LONDON_VAULT })
  return {
    provider: 'vault',
    title: "a vault custodian's bar lists: vault london, two Good Delivery bars",
    env: { GOLD_VAULT_API_URL: server.url },
    trials: [{ adapter: 'gold-vault', data: { vault: 'london', decimals: 8 }, expected: '79940000000' }],
    close: server.close,
  }
}

/** The token's supply, and what its lockbox holds (not circulating). */
const SUPPLY = 10n ** 24n + 7n
const LOCKED = 4n * 10n ** 23n

async function chain(): Promise<Simulation> {
  const { network, chainId } = LOCAL_CHAINS[0]
  const node = await startHardhatNode(network, chainId)
  const provider = chainProvider(node.url, chainId)
  try {
    const signer = await fundedSigner(provider)
    const token = await deployDecimalsToken(signer, 'Wrapped BTC (simulated)', 'sWBTC', 18, SUPPLY)
    const lockbox = Wallet.createRandom().address
    await (await token.transfer(lockbox, LOCKED)).wait()
    const list = await deployPoRAddressList(signer, await signer.getAddress(), CUSTODIANS)
    return {
      provider: 'chain',
      title: `an EVM chain (hardhat node, chain id ${chainId}): an 18-decimal token, a lockbox holding part of it, a PoRAddressList of the esplora custodians`,
      env: { ETHEREUM_RPC_URL: node.url, ETHEREUM_RPC_CHAIN_ID: String(chainId) },
      trials: [
        {
          adapter: 'multichain-supply',
          data: {
            tokens: [{ network: 'ethereum', address: String(token.target) }],
            exclude: [{ network: 'ethereum', address: lockbox }],
            resultDecimals: 18,
          },
          expected: (SUPPLY - LOCKED).toString(),
        },
        {
          adapter: 'por-address-list',
          data: {
            contractAddress: String(list.target),
            contractAddressNetwork: 'ethereum',
            network: 'bitcoin',
            chainId: 'mainnet',
          },
          expected: CUSTODIANS.map(bitcoin),
        },
      ],
      close: async () => {
        node.process.kill('SIGTERM')
      },
    }
  } catch (error) {
    node.process.kill('SIGTERM')
    throw error
  } finally {
    provider.destroy()
  }
}

const STARTERS: Record<SimulatedProvider, () => Promise<Simulation>> = { esplora, attestation, vault, chain }

/** Starts the simulated `providers` (closing those started when one fails). */
export async function simulate(providers: readonly SimulatedProvider[]): Promise<Simulation[]> {
  const started: Simulation[] = []
  try {
    for (const provider of providers) started.push(await STARTERS[provider]())
  } catch (error) {
    await Promise.all(started.map((s) => s.close()))
    throw error
  }
  return started
}

/** How to try `simulation` by hand: its settings, and each adapter's request and answer. */
export function describeSimulation(simulation: Simulation): string {
  const lines = [`${simulation.provider}: ${simulation.title}`]
  for (const [name, value] of Object.entries(simulation.env)) lines.push(`  export ${name}=${value}`)
  for (const trial of simulation.trials) {
    const body = JSON.stringify({ data: trial.data })
    const answer =
      typeof trial.expected === 'string'
        ? `result ${trial.expected}`
        : `data.result ${JSON.stringify(trial.expected)}`
    lines.push(
      `  npm start -- ${trial.adapter}   # with the settings above; EA_PORT=8080 unless set`,
      `    curl -s localhost:8080 -H 'content-type: application/json' -d '${body}'`,
      `    → ${answer} (a 504 first: ask again once the adapter has read the provider)`,
    )
  }
  return lines.join('\n')
}
