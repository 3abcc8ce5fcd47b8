/**
 * What the rehearsal's tests share: a custodian's bitcoin on devkit's Esplora simulator with the btc-balance
 * adapter's real server in front of it, a SecureMintToken and a ReserveGuard wired to a feed as
 * docs/contracts.md says ("Wiring a guard to a token"), and the two workflows' configs filled in from their
 * `config.example.json`, as an issuer fills them.
 */
import { readFileSync } from 'node:fs'
import { ZeroHash, type Signer } from 'ethers'
import {
  deployReserveGuard,
  deploySecureMintToken,
  type ReserveGuard,
  type SecureMintToken,
} from '#chain/contracts'
import { mined } from '#chain/events'
import { MarginMode, Role, assetConfig } from '#chain/types'
import { startAdapterServer, type AdapterServer } from '#devkit/adapter-server'
import { deployCreFeed, workflowMetadata, type CreFeed } from '#devkit/data-feeds'
import { receiverMetadata } from '#devkit/keystone'
import { seededAddress } from '#devkit/bitcoin-address'
import { EsploraSim, serveEsplora } from '#devkit/simulators/esplora'
import { encodeDecimalReports } from '#workflows/por-feed/report'
import { makeAdapter as makeBtcBalanceAdapter } from '#adapters/btc-balance/src/index'

export const TOKEN = 10n ** 8n
/** The token's and the guard's staleness limit: the por-feed workflow's heartbeat. */
export const HEARTBEAT = 90_000

/** Two custodian addresses holding 100 BTC between them, and the btc-balance adapter reading them. */
export class Custodian {
  readonly addresses = [seededAddress('rehearsal custodian 0'), seededAddress('rehearsal custodian 1')]
  private readonly funding: string[] = []

  private constructor(
    readonly ledger: EsploraSim,
    readonly adapter: AdapterServer,
    private readonly closeLedger: () => Promise<void>,
  ) {}

  static async start(): Promise<Custodian> {
    const ledger = new EsploraSim()
    const server = await serveEsplora(ledger)
    // A change on the ledger reaches the adapter's cache within a second.
    const adapter = await startAdapterServer(makeBtcBalanceAdapter(), {
      BITCOIN_MAINNET_ESPLORA_URL: server.url,
      BACKGROUND_EXECUTE_MS_HTTP: '50',
      CACHE_MAX_AGE: '1000',
    })
    const custodian = new Custodian(ledger, adapter, server.close)
    custodian.funding.push(
      ledger.fund(custodian.addresses[0], 60n * TOKEN),
      ledger.fund(custodian.addresses[1], 40n * TOKEN),
    )
    ledger.mine(6)
    return custodian
  }

  /** The btc-balance request the por-feed workflow sends: both addresses, 6 confirmations. */
  get request() {
    return {
      data: {
        endpoint: 'balance',
        addresses: this.addresses.map((address) => ({ address, network: 'bitcoin', chainId: 'mainnet' })),
        minConfirmations: 6,
      },
    }
  }

  /** The first address's 60 BTC leave, but `kept` sent back to it as change; 6 confirmations. */
  spendFirst(kept: bigint): void {
    const txid = this.ledger.send(
      [{ txid: this.funding[0], vout: 0 }],
      [
        { address: seededAddress('elsewhere'), value: 60n * TOKEN - kept },
        { address: this.addresses[0], value: kept },
      ],
    )
    this.ledger.confirm(txid)
    this.ledger.mine(5)
  }

  /**
   * Waits until the adapter answers the workflow's request with `expected` (its cache is refreshed in the
   * background), so that an execution reads the ledger as it is.
   */
  async answers(expected: bigint): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      const answer = await this.adapter.bridge(this.request.data)
      if (answer.status === 200 && answer.body?.result === expected.toString()) return
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error(`btc-balance never answered ${expected}`)
  }

  async close(): Promise<void> {
    await this.adapter.close()
    await this.closeLedger()
  }
}

/**
 * A SecureMintToken reading `feed`, protected by `guard` (default: a new ReserveGuard administered by `admin`),
 * mint and redeem paused on a shortfall.
 */
export async function guardedToken(
  admin: Signer,
  feed: string,
  existing?: ReserveGuard,
): Promise<{ token: SecureMintToken; guard: ReserveGuard; target: string; guardAddress: string }> {
  const adminAddress = await admin.getAddress()
  const token = await deploySecureMintToken(
    admin,
    'Secure BTC',
    'sBTC',
    adminAddress,
    0,
    feed,
    HEARTBEAT,
    MarginMode.None,
    0n,
  )
  await mined(token.grantRole(Role.MINTER, adminAddress))
  const guard = existing ?? (await deployReserveGuard(admin, adminAddress, 0))
  const target = await token.getAddress()
  await mined(token.grantRole(Role.PAUSER, await guard.getAddress()))
  await mined(
    guard.addAsset(target, assetConfig({ reserveFeed: feed, supplySource: target, heartbeat: HEARTBEAT })),
  )
  return { token, guard, target, guardAddress: await guard.getAddress() }
}

/** The name under which {@link setReserve} writes a feed: not a workflow's, the admin's own writer entry. */
const ADMIN_WRITER_NAME = '0x00000000000000000001'

/**
 * A DataFeedsCache feed the rehearsal's por-feed workflow may write, which its admin may also write directly
 * ({@link setReserve}): for tests that need a reserve without running the workflow.
 */
export async function adminWritableFeed(
  admin: Signer,
  forwarder: string,
  workflowOwner: string,
  description: string,
): Promise<CreFeed> {
  const adminAddress = await admin.getAddress()
  const feed = await deployCreFeed(admin, {
    decimals: 8,
    description,
    writers: [{ forwarder, workflowOwner, workflowName: 'por-feed' }],
  })
  await mined(
    feed.cache.setDecimalFeedConfigs(
      [feed.dataId],
      [description],
      [
        ...workflowMetadata([{ forwarder, workflowOwner, workflowName: 'por-feed' }]),
        {
          allowedSender: adminAddress,
          allowedWorkflowOwner: adminAddress,
          allowedWorkflowName: ADMIN_WRITER_NAME,
        },
      ],
    ),
  )
  return feed
}

/** The feed's admin writes `answer` itself, as of the latest block (the admin power docs/contracts.md lists). */
export async function setReserve(admin: Signer, feed: CreFeed, answer: bigint): Promise<void> {
  const adminAddress = await admin.getAddress()
  const timestamp = BigInt((await admin.provider!.getBlock('latest'))!.timestamp)
  const metadata = receiverMetadata({
    workflowId: ZeroHash,
    workflowOwner: adminAddress,
    workflowName: ADMIN_WRITER_NAME,
  })
  await mined(
    feed.cache
      .connect(admin)
      .onReport(metadata, encodeDecimalReports([{ dataId: feed.dataId, timestamp, answer }])),
  )
}

const example = (workflow: string) =>
  JSON.parse(readFileSync(`workflows/${workflow}/config.example.json`, 'utf8')) as Record<string, unknown>

/** The por-feed config.example.json, its placeholders filled in. */
export function porFeedConfig(fields: {
  adapterUrl: string
  adapterRequest: unknown
  dataFeedsCacheAddress: string
  dataId: string
}): Record<string, unknown> {
  return { ...example('por-feed'), ...fields, decimals: 8, heartbeatSeconds: HEARTBEAT }
}

/** The reserve-guard config.example.json, its placeholders filled in (no mint trigger unless `watchedTokens`). */
export function reserveGuardConfig(fields: {
  guardAddress: string
  watchedAggregators: string[]
  watchedTokens?: string[]
  gasLimit?: string
  maxEntries?: number
}): Record<string, unknown> {
  return { ...example('reserve-guard'), watchedTokens: [], ...fields }
}
