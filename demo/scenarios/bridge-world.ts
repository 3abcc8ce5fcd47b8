/**
 * The bridge-drain scenario's world: wBTK, a wrapped token on chain A (31337) whose reserves, BTK, are locked on
 * chain B (31338), in two custodian wallets of the bridge's lock side. The oracle network's stand-in reads them
 * through the `proof-of-reserves` composite (its own process), whose one component is a token-balance part:
 * the custodians' BTK at one block of chain B, summed exactly and rounded down once to the feed's decimals.
 * Everything else (the feed, the token, the guard, Automation) is every world's (demo/scenarios/world.ts).
 */
import type { Wallet } from 'ethers'
import { deployDecimalsToken, type DecimalsToken } from '#chain/contracts'
import { mined } from '#chain/events'
import { rescale } from '#common/decimal'
import { startAdapterProcess, type AdapterProcess } from '#devkit/adapter-process'
import type { AdapterTarget } from '../../dashboard/config'
import { show } from '../report'
import { askFresh, field, integerText, UpdaterError, type Observed } from '../updater'
import {
  ADAPTER_CACHE_SETTINGS,
  DECIMALS,
  DEFAULT_RULES,
  TokenWorld,
  adapterTarget,
  fundedWallet,
  startWorldChain,
  type WorldChain,
  type WorldPlan,
  type WorldRules,
} from './world'

/** The lock side's network, as the composite's settings name it (`LOCKCHAIN_RPC_URL`, `LOCKCHAIN_RPC_CHAIN_ID`). */
export const LOCK_NETWORK = 'lockchain'
/** BTK, the locked token: 18 decimals, more than the feed's 8, so the composite rounds down once. */
export const RESERVE_DECIMALS = 18
const BTK = 10n ** BigInt(RESERVE_DECIMALS)
/** What each custodian wallet holds at first: 620 BTK and 400.123456789012345678 BTK. */
export const LOCKED: readonly bigint[] = [620n * BTK, 400_123_456_789_012_345_678n]
/** 1,000 wBTK: what is minted against them. */
export const WRAPPED_MINT = 1_000n * 10n ** BigInt(DECIMALS)

/** What the oracle network's stand-in observed: the locked BTK at the feed's decimals, and where it read them. */
export interface LockedReserves extends Observed {
  /** the block of chain B the balances were read at */
  lockBlock: number
  /** the custodian wallets read */
  addressCount: number
}

/** BTK as text, at its own decimals. */
export const btk = (units: bigint): string => show(units, RESERVE_DECIMALS, 'BTK')

export class BridgeWorld extends TokenWorld<LockedReserves> {
  lockSide!: WorldChain
  reserveToken!: DecimalsToken
  /** the lock side's custodian wallets, each holding its share of {@link LOCKED} */
  custodians: Wallet[] = []
  adapter!: AdapterProcess

  /** Starts chain A and funds the accounts; the lock side starts with the adapter. */
  static async start(rules: WorldRules = DEFAULT_RULES): Promise<BridgeWorld> {
    return new BridgeWorld(
      { name: 'Wrapped BTK', symbol: 'wBTK', reserveUnit: 'BTK' },
      rules,
      await TokenWorld.startChain(),
    )
  }

  /** Chain B, BTK locked in the custodian wallets, and the proof-of-reserves adapter (its own process, metrics on). */
  async startAdapter(): Promise<void> {
    this.lockSide = await startWorldChain('localB', 31338)
    this.closers.push(() => this.lockSide.close())
    const bridge = await fundedWallet(this.lockSide.provider)
    const total = LOCKED.reduce((sum, amount) => sum + amount, 0n)
    this.reserveToken = await deployDecimalsToken(bridge, 'Bridged Token', 'BTK', RESERVE_DECIMALS, total)
    for (const amount of LOCKED) {
      const custodian = await fundedWallet(this.lockSide.provider)
      await mined(this.reserveToken.transfer(custodian.address, amount))
      this.custodians.push(custodian)
    }
    this.adapter = await startAdapterProcess('proof-of-reserves', {
      [`${LOCK_NETWORK.toUpperCase()}_RPC_URL`]: this.lockSide.chain.url,
      [`${LOCK_NETWORK.toUpperCase()}_RPC_CHAIN_ID`]: String(this.lockSide.chain.chainId),
      ...ADAPTER_CACHE_SETTINGS,
    })
    this.closers.push(() => this.adapter.stop())
  }

  /**
   * The composite's request (adapters/proof-of-reserves/README.md): the custodian wallets as a fixed address
   * list on the lock side, their BTK read by token-balance, one component in BTK, at the feed's decimals.
   */
  request(): Record<string, unknown> {
    const chainId = String(this.lockSide.chain.chainId)
    return {
      addressLists: [
        {
          name: 'lock-side custodians',
          fixed: this.custodians.map((c) => ({ address: c.address, network: LOCK_NETWORK, chainId })),
        },
      ],
      balanceSources: [
        {
          name: 'locked BTK',
          provider: 'token-balance',
          addresses: [{ network: LOCK_NETWORK, contractAddress: String(this.reserveToken.target) }],
        },
      ],
      components: [
        {
          name: 'BTK locked on chain B',
          currency: 'BTK',
          addressList: 'lock-side custodians',
          balanceSource: 'locked BTK',
        },
      ],
      resultDecimals: DECIMALS,
    }
  }

  describeReserves(): string {
    return (
      `the lock side (chain B) at ${this.lockSide.chain.url}: BTK ${String(this.reserveToken.target)} in ` +
      `${this.custodians.length} custodian wallets; proof-of-reserves adapter at ${this.adapter.url}`
    )
  }

  /** The custodians' BTK at chain B's latest block, read with `balanceOf`, rounded down to the feed's decimals. */
  async reservesHeld(): Promise<bigint> {
    const block = await this.lockSide.provider.getBlockNumber()
    let total = 0n
    for (const custodian of this.custodians) {
      total += await this.reserveToken.balanceOf(custodian.address, { blockTag: block })
    }
    return rescale(total, RESERVE_DECIMALS, DECIMALS, 'down')
  }

  async observe(since: number): Promise<LockedReserves> {
    const what = 'proof-of-reserves'
    const answer = await askFresh(this.adapter, this.request(), since, what)
    const decimals = field<number>(answer.body, ['data', 'decimals'], what)
    if (decimals !== DECIMALS) throw new UpdaterError(`${what} answered in ${decimals} decimals`)
    const [component] = field<{ addressCount: number; blocks: { blockNumber: number }[] }[]>(
      answer.body,
      ['data', 'components'],
      what,
    )
    return {
      reserves: integerText(field(answer.body, ['data', 'result'], what), `${what} data.result`),
      lockBlock: component.blocks[0].blockNumber,
      addressCount: component.addressCount,
    }
  }

  adapterTargets(): AdapterTarget[] {
    return [adapterTarget(this.adapter)]
  }

  /** Moves a custodian's whole balance out, on chain B: the lock side drained. The block it happened in. */
  async drain(custodian: number, to: string): Promise<{ amount: bigint; block: number; hash: string }> {
    const wallet = this.custodians[custodian]
    const amount = await this.reserveToken.balanceOf(wallet.address)
    const receipt = await mined(this.reserveToken.connect(wallet).transfer(to, amount))
    return { amount, block: receipt.blockNumber, hash: receipt.hash }
  }
}

/** wBTK's plan: {@link LOCKED} on chain B, {@link WRAPPED_MINT} minted. */
export const wrappedPlan = (rules: WorldRules = DEFAULT_RULES): WorldPlan<BridgeWorld> => ({
  symbol: 'wBTK',
  backing: `${LOCKED.map(btk).join(' and ')} are locked in two custodian wallets on chain B; the proof-of-reserves adapter reads them (token-balance, one block of chain B)`,
  firstMint: WRAPPED_MINT,
  rules,
  start: () => BridgeWorld.start(rules),
})
