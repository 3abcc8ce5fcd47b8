import { createHash } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * A small Bitcoin ledger served over Esplora's REST API (the endpoints btc-balance uses), for
 * tests and the benchmark. Transactions are mined into blocks or left in the mempool; the
 * server answers from that state exactly the way electrs does: `chain_stats` count confirmed
 * transactions only, confirmed history is newest first, 25 per page.
 *
 * Each block has a hash, derived from its height and the branch it was mined on: two ledgers
 * built alike hold the same blocks (one may be behind the other, a lagging replica), and one
 * that {@link EsploraSim.branch}es off holds other blocks from then on (a fork). Each block has
 * a timestamp too: the ledger's clock when it was mined (the real clock unless given another,
 * e.g. one hours behind, for a provider whose tip is old).
 */
export interface SimOutput {
  address: string
  value: bigint
}

export interface SimTx {
  txid: string
  vin: { txid: string; vout: number }[]
  vout: SimOutput[]
  /** Block height, or undefined while in the mempool. */
  height?: number
}

export interface EsploraSimOptions {
  /** The time a block mined now is stamped with, in seconds since the epoch (default: the clock's). */
  now?: () => number
}

export class EsploraSim {
  tip = 0
  readonly txs = new Map<string, SimTx>()
  /** The branch each block from `from` up was mined on, in order of `from`. */
  private readonly branches: { from: number; name: string }[] = [{ from: 0, name: 'main' }]
  /** Transactions touching each address, in the order they were sent. */
  private readonly byAddress = new Map<string, SimTx[]>()
  private counter = 0
  private readonly now: () => number
  /** Each block's timestamp, by height (the genesis block's made with the ledger). */
  private readonly times: number[]

  constructor(options: EsploraSimOptions = {}) {
    this.now = options.now ?? (() => Math.floor(Date.now() / 1000))
    this.times = [this.now()]
  }

  /** Mines `count` blocks (empty unless mempool transactions are confirmed with {@link confirm}). */
  mine(count = 1): void {
    for (let i = 0; i < count; i++) this.times.push(this.now())
    this.tip += count
  }

  /** The timestamp of the block at `height` (at most the tip), in seconds since the epoch. */
  blockTime(height: number): number {
    return this.times[height]
  }

  /** Blocks mined from now on are on branch `name`: another chain than a ledger built alike. */
  branch(name: string): void {
    this.branches.push({ from: this.tip + 1, name })
  }

  /** The hash of the block at `height` (at most the tip), as Esplora's `GET /block-height/:height` gives it. */
  blockHash(height: number): string {
    const { name } = this.branches.findLast((b) => b.from <= height)!
    return createHash('sha256').update(`${name}:${height}`).digest('hex')
  }

  /** A new transaction paying `outputs`, spending `inputs`; in the mempool until confirmed. */
  send(inputs: { txid: string; vout: number }[], outputs: SimOutput[]): string {
    const txid = createHash('sha256').update(`tx-${this.counter++}`).digest('hex')
    const tx: SimTx = { txid, vin: inputs, vout: outputs }
    this.txs.set(txid, tx)
    const touched = new Set([...outputs.map((o) => o.address), ...inputs.map((i) => this.prevout(i).address)])
    for (const address of touched) {
      const list = this.byAddress.get(address) ?? []
      list.push(tx)
      this.byAddress.set(address, list)
    }
    return txid
  }

  /** Mines a new block holding the given mempool transactions. */
  confirm(...txids: string[]): number {
    this.mine()
    for (const txid of txids) this.txs.get(txid)!.height = this.tip
    return this.tip
  }

  /** Funds `address` with a coinbase-like transaction mined in a new block. */
  fund(address: string, value: bigint): string {
    const txid = this.send([], [{ address, value }])
    this.confirm(txid)
    return txid
  }

  private prevout(input: { txid: string; vout: number }): SimOutput {
    return this.txs.get(input.txid)!.vout[input.vout]
  }

  private history(address: string): SimTx[] {
    return this.byAddress.get(address) ?? []
  }

  private stats(address: string, confirmed: boolean) {
    let funded = 0n
    let spent = 0n
    let fundedCount = 0
    let spentCount = 0
    let txCount = 0
    for (const tx of this.history(address)) {
      if ((tx.height !== undefined) !== confirmed) continue
      txCount++
      for (const o of tx.vout.filter((o) => o.address === address)) {
        funded += o.value
        fundedCount++
      }
      for (const i of tx.vin) {
        const prev = this.prevout(i)
        if (prev.address === address) {
          spent += prev.value
          spentCount++
        }
      }
    }
    return `{"funded_txo_count":${fundedCount},"funded_txo_sum":${funded},"spent_txo_count":${spentCount},"spent_txo_sum":${spent},"tx_count":${txCount}}`
  }

  addressJson(address: string): string {
    return `{"address":"${address}","chain_stats":${this.stats(address, true)},"mempool_stats":${this.stats(address, false)}}`
  }

  private txJson(tx: SimTx): string {
    const vin = tx.vin.map((i) => {
      const prev = this.prevout(i)
      return `{"txid":"${i.txid}","vout":${i.vout},"prevout":{"scriptpubkey_address":"${prev.address}","value":${prev.value}},"is_coinbase":false}`
    })
    const vout = tx.vout.map((o) => `{"scriptpubkey_address":"${o.address}","value":${o.value}}`)
    const status =
      tx.height === undefined
        ? '{"confirmed":false}'
        : `{"confirmed":true,"block_height":${tx.height},"block_hash":"${this.blockHash(tx.height)}","block_time":${this.blockTime(tx.height)}}`
    return `{"txid":"${tx.txid}","vin":[${vin.join(',')}],"vout":[${vout.join(',')}],"status":${status}}`
  }

  /** Confirmed history, newest first, 25 a page after `lastSeen`. */
  chainTxsJson(address: string, lastSeen?: string): string {
    const history = this.history(address)
      .filter((tx) => tx.height !== undefined)
      .reverse()
      .sort((a, b) => b.height! - a.height!)
    const start = lastSeen ? history.findIndex((tx) => tx.txid === lastSeen) + 1 : 0
    return `[${history
      .slice(start, start + 25)
      .map((tx) => this.txJson(tx))
      .join(',')}]`
  }

  /** A block as `GET /block/:hash` gives it (the fields btc-balance reads, and a few more). */
  blockJson(height: number): string {
    const previous = height > 0 ? `"${this.blockHash(height - 1)}"` : 'null'
    return (
      `{"id":"${this.blockHash(height)}","height":${height},"version":536870912,` +
      `"timestamp":${this.blockTime(height)},"tx_count":1,"size":285,"weight":1140,` +
      `"merkle_root":"${createHash('sha256').update(`merkle:${height}`).digest('hex')}",` +
      `"previousblockhash":${previous},"mediantime":${this.blockTime(Math.max(0, height - 5))},` +
      `"nonce":0,"bits":486604799,"difficulty":1}`
    )
  }

  /** The height of the block with hash `hash` on this ledger's chain, if it holds one. */
  private heightOf(hash: string): number | undefined {
    for (let height = this.tip; height >= 0; height--) if (this.blockHash(height) === hash) return height
    return undefined
  }

  /** Answers one Esplora request path, or undefined for a path it does not serve. */
  answer(path: string): string | undefined {
    if (path === '/blocks/tip/height') return String(this.tip)
    if (path === '/blocks/tip/hash') return this.blockHash(this.tip)
    const byHash = /^\/block\/([0-9a-f]{64})$/.exec(path)
    if (byHash) {
      const height = this.heightOf(byHash[1])
      return height === undefined ? undefined : this.blockJson(height)
    }
    const block = /^\/block-height\/(\d+)$/.exec(path)
    if (block) return Number(block[1]) <= this.tip ? this.blockHash(Number(block[1])) : undefined
    const match = /^\/address\/([^/]+)(\/txs\/chain(?:\/([0-9a-f]{64}))?)?$/.exec(path)
    if (!match) return undefined
    const [, address, history, lastSeen] = match
    return history ? this.chainTxsJson(address, lastSeen) : this.addressJson(address)
  }
}

export interface SimServerOptions {
  /** Delay before each answer, in ms. */
  latencyMs?: number
  /**
   * Called before each answer; returning a status code answers with it instead (fault
   * injection). It may also change the ledger, e.g. mine a block in the middle of a request.
   */
  fault?: (path: string) => number | undefined
  /** Base path the API is mounted on, e.g. `/api`. */
  basePath?: string
}

/** Serves an {@link EsploraSim} on a loopback port. */
export async function serveEsplora(
  sim: EsploraSim,
  options: SimServerOptions = {},
): Promise<{ url: string; server: Server; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = []
  const base = options.basePath ?? ''
  const server = createServer((req, res) => {
    // The query is not Esplora's: an operator's URL may carry one (an API key).
    const path = (req.url ?? '').split('?')[0].slice(base.length)
    requests.push(path)
    const reply = () => {
      const fault = options.fault?.(path)
      if (fault) {
        res.writeHead(fault, { 'content-type': 'text/plain' }).end('injected failure')
        return
      }
      const body = sim.answer(path)
      if (body === undefined) res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      else
        res
          .writeHead(200, {
            'content-type': /(height(\/\d+)?|tip\/hash)$/.test(path) ? 'text/plain' : 'application/json',
          })
          .end(body)
    }
    if (options.latencyMs) setTimeout(reply, options.latencyMs)
    else reply()
  })
  server.keepAliveTimeout = 60_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}${base}`,
    server,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
