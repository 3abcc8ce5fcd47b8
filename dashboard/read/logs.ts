/**
 * Events read a range at a time and remembered: each poll asks only for the blocks since the last, in ranges an
 * RPC accepts; and block times, read once per block.
 */
import type { JsonRpcProvider, Log } from 'ethers'

export interface LogFilter {
  address: string
  topics: (string | string[] | null)[]
}

/** One filter's logs, read up to a block at a time, each block once. */
export class LogScanner {
  private scannedThrough: number

  constructor(
    private readonly provider: JsonRpcProvider,
    readonly filter: LogFilter,
    fromBlock: number,
    private readonly range: number,
  ) {
    this.scannedThrough = fromBlock - 1
  }

  /**
   * The logs from the block after the last scan through `block`, in log order; `range` blocks per request. A
   * failed request leaves the scan where the last good one ended: the next call asks again from there.
   */
  async scan(block: number): Promise<Log[]> {
    const logs: Log[] = []
    while (this.scannedThrough < block) {
      const fromBlock = this.scannedThrough + 1
      const toBlock = Math.min(block, fromBlock + this.range - 1)
      logs.push(...(await this.provider.getLogs({ ...this.filter, fromBlock, toBlock })))
      this.scannedThrough = toBlock
    }
    return logs
  }
}

/** Block times (unix seconds), each read once. */
export class BlockTimes {
  private readonly times = new Map<number, number>()

  constructor(private readonly provider: JsonRpcProvider) {}

  async of(block: number): Promise<number> {
    const known = this.times.get(block)
    if (known !== undefined) return known
    const read = await this.provider.getBlock(block)
    if (!read) throw new Error(`the RPC has no block ${block}`)
    this.times.set(block, read.timestamp)
    return read.timestamp
  }
}

/** The 32-byte topic of an address or a number (an indexed event argument). */
export const topicOf = (value: string | bigint): string =>
  '0x' + (typeof value === 'bigint' ? value.toString(16) : value.toLowerCase().slice(2)).padStart(64, '0')
