/**
 * The custodian's bitcoin, on a regtest ledger served over Esplora's REST API on loopback (devkit's
 * simulator): five custodian addresses of every common kind, funded once, then moved about with real
 * transactions (inputs, outputs, a fee), confirmed into blocks and buried as deep as the reserve job counts.
 *
 * Regtest because the coins are made up: no mainnet address here holds anything. The addresses are derived
 * from fixed names, so every run lists the same ones, with valid checksums (bech32 for segwit v0, bech32m for
 * taproot, base58check for the legacy kinds).
 */
import { seededAddress, type BitcoinAddressKind } from '#devkit/bitcoin-address'
import { EsploraSim, serveEsplora, type SimOutput } from '#devkit/simulators/esplora'

/** Satoshis per bitcoin: amounts on the Bitcoin side are integers at 8 decimals. */
export const BTC_DECIMALS = 8
export const SATS_PER_BTC = 10n ** BigInt(BTC_DECIMALS)

/** The fee each demo transaction pays, in satoshis (0.00002 BTC). */
export const FEE_SATS = 2_000n

/** A regtest address of `kind`, derived from a name (the name stands in for the custodian's key). */
const regtestAddress = (kind: BitcoinAddressKind, seed: string): string =>
  seededAddress(seed, kind, 'regtest')

export interface CustodianAddress {
  kind: BitcoinAddressKind
  address: string
  /** what it is funded with at the start, in satoshis */
  funding: bigint
}

const btc = (whole: bigint, hundredMillionths = 0n): bigint => whole * SATS_PER_BTC + hundredMillionths

/** The custodian's addresses, as PoRAddressList publishes them, and their starting balances (100 BTC). */
export const CUSTODIAN: readonly CustodianAddress[] = [
  { kind: 'p2wpkh', address: regtestAddress('p2wpkh', 'custodian hot wallet'), funding: btc(40n) },
  { kind: 'p2wsh', address: regtestAddress('p2wsh', 'custodian 2-of-3 vault'), funding: btc(25n) },
  { kind: 'p2tr', address: regtestAddress('p2tr', 'custodian taproot vault'), funding: btc(15n) },
  {
    kind: 'p2pkh',
    address: regtestAddress('p2pkh', 'custodian legacy wallet'),
    funding: btc(12n, 50_000_000n),
  },
  {
    kind: 'p2sh',
    address: regtestAddress('p2sh', 'custodian legacy multisig'),
    funding: btc(7n, 50_000_000n),
  },
]

/** An address that is not the custodian's: where coins go when they leave. */
export const OUTSIDE_ADDRESS = regtestAddress('p2wpkh', 'somebody else')

/** A transaction as the demo reports it. */
export interface LedgerTx {
  txid: string
  from: string
  to: string
  amount: bigint
  fee: bigint
  /** the block it was confirmed in */
  height: number
}

/** The ledger and its Esplora server. */
export class CustodianLedger {
  private constructor(
    private readonly sim: EsploraSim,
    readonly url: string,
    private readonly server: { close: () => Promise<void> },
  ) {}

  /**
   * Serves a fresh regtest ledger on loopback: 100 blocks mined (as regtest starts, so that coinbase
   * outputs are mature), each custodian address funded in a block of its own, then buried `depth` deep.
   */
  static async start(depth: number): Promise<CustodianLedger> {
    const sim = new EsploraSim()
    sim.mine(100)
    for (const { address, funding } of CUSTODIAN) sim.fund(address, funding)
    sim.mine(depth - 1)
    const served = await serveEsplora(sim)
    return new CustodianLedger(sim, served.url, served)
  }

  get tip(): number {
    return this.sim.tip
  }

  /** The unspent outputs paid to `address`, confirmed or not. */
  private unspent(address: string): { txid: string; vout: number; value: bigint }[] {
    const spent = new Set<string>()
    for (const tx of this.sim.txs.values())
      for (const input of tx.vin) spent.add(`${input.txid}:${input.vout}`)
    const outputs: { txid: string; vout: number; value: bigint }[] = []
    for (const tx of this.sim.txs.values()) {
      tx.vout.forEach((output, vout) => {
        if (output.address === address && !spent.has(`${tx.txid}:${vout}`)) {
          outputs.push({ txid: tx.txid, vout, value: output.value })
        }
      })
    }
    return outputs
  }

  /** What `address` holds now, mempool included, in satoshis. */
  balance(address: string): bigint {
    return this.unspent(address).reduce((sum, output) => sum + output.value, 0n)
  }

  /** What the custodian's addresses hold now, in satoshis. */
  custodianTotal(): bigint {
    return CUSTODIAN.reduce((sum, { address }) => sum + this.balance(address), 0n)
  }

  /**
   * Sends `amount` from `from` to `to`, spending every output `from` holds, the change back to `from`, and
   * `FEE_SATS` to the miner; confirmed in the next block.
   */
  transfer(from: string, to: string, amount: bigint): LedgerTx {
    const inputs = this.unspent(from)
    const held = inputs.reduce((sum, output) => sum + output.value, 0n)
    const change = held - amount - FEE_SATS
    if (amount <= 0n || change < 0n) {
      throw new Error(`${from} holds ${held} sats: it cannot send ${amount} sats and a ${FEE_SATS}-sat fee`)
    }
    const outputs: SimOutput[] = [{ address: to, value: amount }]
    if (change > 0n) outputs.push({ address: from, value: change })
    const txid = this.sim.send(
      inputs.map(({ txid, vout }) => ({ txid, vout })),
      outputs,
    )
    const height = this.sim.confirm(txid)
    return { txid, from, to, amount, fee: FEE_SATS, height }
  }

  /** Mines `count` empty blocks on top. */
  mine(count: number): void {
    this.sim.mine(count)
  }

  close(): Promise<void> {
    return this.server.close()
  }
}
