/**
 * The providers `npm run bench:load` puts behind each adapter, all on loopback: the Esplora,
 * attestation and vault simulators of devkit/simulators, and, for the two EVM adapters, a
 * `hardhat node` of the bench's own with a token and a PoRAddressList deployed through the
 * contracts' typed handles. Each gives the adapter's settings, a request, and the true answer.
 */
import type { ChildProcess } from 'node:child_process'
import { Wallet } from 'ethers'
import { deployDecimalsToken, deployPoRAddressList } from '#chain/contracts'
import { LOCAL_CHAINS, chainProvider, fundedSigner, startHardhatNode } from '#devkit/local-chain'
import { serveAttestationApi } from '#devkit/simulators/attestation'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { serveVaultApi } from '#devkit/simulators/vault'

/** What an adapter under load is asked, and what it must answer. */
export interface BenchTarget {
  /** The adapter's folder name under adapters/ (`npm start -- <name>`). */
  adapter: string
  /** The adapter's settings pointing it at its provider. */
  env: Record<string, string>
  /** The `data` of the bridge request. */
  request: Record<string, unknown>
  /** Whether an answer's body carries the true answer. */
  isTrue(body: { result?: unknown; data?: { result?: unknown } }): boolean
  /** The true answer, as shown in results. */
  answer: string
}

export interface BenchProviders {
  targets: BenchTarget[]
  /** The Esplora ledger behind btc-balance (the memory and fault runs reuse it). */
  ledger: EsploraSim
  esploraUrl: string
  close(): Promise<void>
}

const CUSTODIANS = [
  'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh',
  '3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy',
  '1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2',
]

/** The network name the EVM adapters are asked for: their RPC is `BENCH_RPC_URL`. */
const NETWORK = 'bench'

const numeric = (answer: string) => (body: { result?: unknown }) => body.result === answer

/** Starts every provider and deploys the contracts; resolves with the five adapters' targets. */
export async function startProviders(): Promise<BenchProviders> {
  const ledger = new EsploraSim()
  for (const [i, address] of CUSTODIANS.entries()) ledger.fund(address, 100_000_000n * BigInt(i + 1) + 7n)
  ledger.mine(6)
  const esplora = await serveEsplora(ledger)

  const auditor = await serveAttestationApi({
    usdx: { accountName: 'USDX', totalReserve: '1000523419.87', totalToken: '1000000000.00' },
  })
  // LBMA's weight-list example bar (401.125 oz gross at 995.8: 399.440 oz fine) and a 999.9 bar.
  const vault = await serveVaultApi({
    london: {
      name: 'London',
      unit: 'toz',
      bars: [
        {
          serial: 'AB12345',
          refiner: 'Valcambi',
          grossWeight: '401.125',
          fineness: '995.8',
          fineWeight: '399.440',
        },
        {
          serial: 'CD67890',
          refiner: 'PAMP',
          grossWeight: '400.000',
          fineness: '999.9',
          fineWeight: '399.960',
        },
      ],
    },
  })

  const { chainId, network } = LOCAL_CHAINS[0]
  const chain: { url: string; process: ChildProcess } = await startHardhatNode(network, chainId)
  const provider = chainProvider(chain.url, chainId)
  const signer = await fundedSigner(provider)
  const supply = 10n ** 24n + 7n
  const held = 4n * 10n ** 23n
  const token = await deployDecimalsToken(signer, 'Bench', 'BNC', 18, supply)
  const lockbox = Wallet.createRandom().address
  await (await token.transfer(lockbox, held)).wait()
  const custodians = CUSTODIANS.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' }))
  const list = await deployPoRAddressList(signer, await signer.getAddress(), CUSTODIANS)
  await list.waitForDeployment()
  provider.destroy()
  const rpc = { BENCH_RPC_URL: chain.url, BENCH_RPC_CHAIN_ID: String(chainId) }

  const reserve = (600_000_000n + 21n).toString()
  const circulating = (supply - held).toString()
  const targets: BenchTarget[] = [
    {
      adapter: 'btc-balance',
      env: { BITCOIN_MAINNET_ESPLORA_URL: esplora.url },
      request: { addresses: custodians, minConfirmations: 6 },
      isTrue: numeric(reserve),
      answer: reserve,
    },
    {
      adapter: 'attestation',
      env: { ATTESTATION_API_URL: auditor.url },
      request: { client: 'usdx', field: 'totalReserve', decimals: 18 },
      isTrue: numeric('1000523419870000000000000000'),
      answer: '1000523419870000000000000000',
    },
    {
      adapter: 'gold-vault',
      env: { GOLD_VAULT_API_URL: vault.url },
      request: { vault: 'london', decimals: 8 },
      isTrue: numeric('79940000000'),
      answer: '79940000000',
    },
    {
      adapter: 'multichain-supply',
      env: rpc,
      request: {
        tokens: [{ network: NETWORK, address: token.target }],
        exclude: [{ network: NETWORK, address: lockbox }],
        resultDecimals: 18,
      },
      isTrue: numeric(circulating),
      answer: circulating,
    },
    {
      adapter: 'por-address-list',
      env: rpc,
      request: {
        contractAddress: list.target,
        contractAddressNetwork: NETWORK,
        network: 'bitcoin',
        chainId: 'mainnet',
      },
      isTrue: (body) => JSON.stringify(body.data?.result) === JSON.stringify(custodians),
      answer: `${custodians.length} addresses`,
    },
  ]
  return {
    targets,
    ledger,
    esploraUrl: esplora.url,
    close: async () => {
      await Promise.all([esplora.close(), auditor.close(), vault.close()])
      chain.process.kill('SIGTERM')
    },
  }
}
