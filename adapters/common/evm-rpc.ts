/**
 * EVM JSON-RPC access for the on-chain adapters: per-network settings with Chainlink's naming
 * (`<NETWORK>_RPC_URL`, `<NETWORK>_RPC_CHAIN_ID`), a chain-id check on every answer, failover
 * along the URL list, a fresh head only (its block no older than `<NETWORK>_RPC_MAX_HEAD_AGE_SECONDS`,
 * and no more than `<NETWORK>_RPC_MAX_LAG_BLOCKS` behind the highest head among the network's
 * URLs), reads pinned to one block (latest − confirmations) and named by its hash once it is
 * known (EIP-1898), reported with its timestamp, and every read of a step sent in one HTTP round
 * trip: one Multicall3 `aggregate3` call where Multicall3 is deployed, else one JSON-RPC batch.
 *
 * Raw JSON-RPC over `fetch` rather than ethers' JsonRpcProvider: the provider batches on a timer
 * and splits batches by count, looks up the network on its own schedule and retries internally,
 * so neither the number of round trips nor which URL answered (and whether its chain id was
 * checked) could be guaranteed. ethers is used for ABI encoding and decoding only.
 */
import { multicall3Interface } from '#chain/abi'
import { makeLogger } from '@chainlink/external-adapter-framework/util'
import { inputError, providerError, settingError } from './errors'
import { defaultFreshness } from './evm-chains'
import { headTooFarBehind, headTooOld, type HeadFreshness } from './freshness'
import { DEFAULT_MAX_BODY_BYTES, HttpRefusal, fetchBounded } from './http-fetch'
import { DuplicateKeyError, parseUnambiguousJson } from './json'
import { quoteInput } from './input'
import {
  describeNetworkError,
  hostOf,
  isHttpUrl,
  isRetryableStatus,
  parseUrlList,
  providerEndpoint,
  redactUrls,
} from './provider-client'

const logger = makeLogger('EvmRpc')

/** Logs through the framework's logger, which exists only once an adapter has started. */
function warn(message: string): void {
  try {
    logger.warn(message)
  } catch {
    // No logger factory outside a running adapter (unit tests, bench): the error says it all.
  }
}

/** Multicall3's address, the same on every chain where it is deployed. */
export const MULTICALL3_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11'

const GET_BLOCK_NUMBER = multicall3Interface.encodeFunctionData('getBlockNumber')
const GET_ETH_BALANCE = multicall3Interface.getFunction('getEthBalance')!.selector

/**
 * The call data of a function taking one address (`balanceOf(address)`, `getEthBalance(address)`),
 * from its selector: written out directly, as ethers' coder takes a tenth of a millisecond a call.
 * `address` must already be checked (0x and 40 hex digits).
 */
export function addressCallData(selector: string, address: string): string {
  return `${selector}${address.slice(2).toLowerCase().padStart(64, '0')}`
}

const NETWORK_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/

/** The settings one network is read with. */
export interface EvmNetworkSettings {
  /** The network name as requested, in lower case (`ethereum`, `arbitrum-one`). */
  network: string
  /** Name of the URL-list setting (`ETHEREUM_RPC_URL`). */
  urlSetting: string
  /** Name of the chain-id setting (`ETHEREUM_RPC_CHAIN_ID`). */
  chainIdSetting: string
  /** RPC URLs in failover order. */
  urls: string[]
  /** The chain id every RPC must report. */
  chainId: bigint
  /** How fresh a head must be to be read at, and the settings that say so. */
  freshness: HeadFreshness
}

export type { HeadFreshness } from './freshness'

/** The setting names of a network. */
export interface EvmSettingNames {
  url: string
  chainId: string
  maxHeadAge: string
  maxLag: string
}

/** Setting names for a network: `arbitrum-one` → `ARBITRUM_ONE_RPC_URL`, `ARBITRUM_ONE_RPC_CHAIN_ID`, … */
export function evmSettingNames(network: string): EvmSettingNames {
  const prefix = `${network.toUpperCase().replace(/-/g, '_')}_RPC`
  return {
    url: `${prefix}_URL`,
    chainId: `${prefix}_CHAIN_ID`,
    maxHeadAge: `${prefix}_MAX_HEAD_AGE_SECONDS`,
    maxLag: `${prefix}_MAX_LAG_BLOCKS`,
  }
}

/** Largest values of the freshness settings: a day, and a million blocks. */
const MAX_HEAD_AGE_SETTING = 86_400
const MAX_LAG_SETTING = 1_000_000

/** An integer setting from 0 to `max`, or `fallback` when unset; a 500 naming it when malformed. */
function limitSetting(env: NodeJS.ProcessEnv, name: string, fallback: number, max: number): number {
  const text = env[name]?.trim()
  if (!text) return fallback
  if (!/^\d{1,9}$/.test(text) || Number(text) > max) {
    throw settingError(
      `${name} must be an integer from 0 to ${max}, got ${JSON.stringify(text.slice(0, 40))}`,
    )
  }
  return Number(text)
}

/** Blocks one `eth_getLogs` asks for by default, and the most `<NETWORK>_RPC_LOG_BLOCK_RANGE` may allow. */
export const DEFAULT_LOG_BLOCK_RANGE = 2_000
const MAX_LOG_BLOCK_RANGE = 1_000_000

/**
 * The most blocks one `eth_getLogs` of `network` asks for: `<NETWORK>_RPC_LOG_BLOCK_RANGE`
 * (providers cap a log query by blocks or by logs; a range they refuse fails the read, 502),
 * {@link DEFAULT_LOG_BLOCK_RANGE} when unset; a 500 naming it when malformed.
 */
export function logBlockRange(network: string, env: NodeJS.ProcessEnv = process.env): number {
  const name = `${network.toUpperCase().replace(/-/g, '_')}_RPC_LOG_BLOCK_RANGE`
  const range = limitSetting(env, name, DEFAULT_LOG_BLOCK_RANGE, MAX_LOG_BLOCK_RANGE)
  if (range === 0) throw settingError(`${name} must be at least 1, got 0`)
  return range
}

/**
 * Why no network can be read, or undefined: for an adapter that reads EVM networks named by
 * requests, with not one `<NETWORK>_RPC_URL` set.
 */
export function noEvmNetworkConfigured(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = Object.entries(env).some(
    ([name, value]) => name.endsWith('_RPC_URL') && parseUrlList(value).length > 0,
  )
  return configured
    ? undefined
    : 'set <NETWORK>_RPC_URL and <NETWORK>_RPC_CHAIN_ID for each network a request names (ETHEREUM_RPC_URL, ETHEREUM_RPC_CHAIN_ID, …)'
}

/**
 * Reads a network's settings from the environment (any network name: the settings are looked up
 * when a request names it). A request naming a network that is not one (400) or that this
 * adapter does not serve (no URL set: 400) is the request's fault; a network whose settings are
 * set but incomplete or malformed is the adapter's (500 naming the setting). `field` names the
 * request field the network came from.
 */
export function resolveEvmNetwork(
  network: unknown,
  field: string,
  env: NodeJS.ProcessEnv = process.env,
): EvmNetworkSettings {
  if (typeof network !== 'string' || !NETWORK_NAME.test(network)) {
    throw inputError(
      `${field}: ${quoteInput(network)} is not a network name (letters, digits, "-" and "_", at most 64)`,
    )
  }
  const names = evmSettingNames(network)
  const urls = parseUrlList(env[names.url])
  if (urls.length === 0) {
    throw inputError(
      `${field}: network "${network}" is not configured: set ${names.url} and ${names.chainId}`,
    )
  }
  urls.forEach((url, i) => {
    if (!isHttpUrl(url)) throw settingError(`${names.url}: entry ${i + 1} is not an http(s) URL`)
  })
  const chainIdText = env[names.chainId]?.trim()
  if (!chainIdText) {
    throw settingError(`${field}: network "${network}" has no chain id: set ${names.chainId}`)
  }
  if (!/^\d{1,20}$/.test(chainIdText) || BigInt(chainIdText) === 0n) {
    throw settingError(
      `${names.chainId} must be a positive decimal integer, got ${JSON.stringify(chainIdText)}`,
    )
  }
  const chainId = BigInt(chainIdText)
  const defaults = defaultFreshness(chainId)
  return {
    network: network.toLowerCase(),
    urlSetting: names.url,
    chainIdSetting: names.chainId,
    urls,
    chainId,
    freshness: {
      maxHeadAgeSeconds: limitSetting(
        env,
        names.maxHeadAge,
        defaults.maxHeadAgeSeconds,
        MAX_HEAD_AGE_SETTING,
      ),
      maxLagBlocks: limitSetting(env, names.maxLag, defaults.maxLagBlocks, MAX_LAG_SETTING),
      maxHeadAgeSetting: names.maxHeadAge,
      maxLagSetting: names.maxLag,
    },
  }
}

/** One read-only contract call, or the native balance of an account ({@link nativeBalanceCall}). */
export interface EvmCall {
  to: string
  data: string
  /** The account of a native-balance read: sent as `eth_getBalance` where there is no Multicall3. */
  balanceOf?: string
}

/**
 * The native balance (in wei) of `account`, read with the calls it is sent with: Multicall3's
 * `getEthBalance` inside `aggregate3`, or `eth_getBalance` at the same block in a JSON-RPC batch.
 * Its outcome is the balance as one uint256 word either way.
 */
export function nativeBalanceCall(account: string): EvmCall {
  return { to: MULTICALL3_ADDRESS, data: addressCallData(GET_ETH_BALANCE, account), balanceOf: account }
}

/** What a call returned (`success`), or that it reverted (`returnData` is then the revert data). */
export interface CallOutcome {
  success: boolean
  returnData: string
  /** The node's revert message, when the call was made outside Multicall3 and reverted. */
  revertMessage?: string
}

/** The logs one contract emitted with one of `topics` as its first topic, from block `fromBlock`. */
export interface LogFilter {
  address: string
  /** Event topics (topic 0), any of which a log may have. */
  topics: string[]
  fromBlock: bigint
  /** Blocks per `eth_getLogs` ({@link logBlockRange}). */
  blockRange: number
  /** The most `eth_getLogs` queries one read may make (default {@link MAX_LOG_QUERIES}). */
  maxQueries?: number
}

/**
 * The most `eth_getLogs` queries one read makes by default: a bound on its time (the queries go
 * {@link LOG_QUERIES_PER_BATCH} per round trip, one round trip after another). 2,500 ranges of the
 * default 2,000 blocks cover 5,000,000 blocks; a longer history needs a larger range.
 */
export const MAX_LOG_QUERIES = 2_500

/** One log, as the node gave it, its block checked to be on the pinned block's branch. */
export interface EvmLog {
  blockNumber: bigint
  logIndex: number
  topics: string[]
  data: string
}

/** How a chain's reads are sent: inside one Multicall3 `aggregate3` call, or as a JSON-RPC batch. */
export type ReadMethod = 'multicall3' | 'batch'

/** The block a request reads at, when it was made, and how its reads are sent. */
export interface PinnedBlock {
  readonly number: bigint
  /**
   * The block's hash. Reads at the block after the round trip that pinned it name it by this
   * hash (EIP-1898 `{ blockHash }`), so whichever URL serves them serves this block's state, or
   * none: a node on another branch at the same height does not hold it.
   */
  readonly hash: string
  /** The block's timestamp, in seconds since the epoch. */
  readonly timestamp: number
  method: ReadMethod
}

/** A block header's number, hash and timestamp. */
interface BlockStamp {
  number: bigint
  hash: string
  timestamp: number
}

export interface PinnedRead {
  block: PinnedBlock
  /** One outcome per call, in order. */
  results: CallOutcome[]
}

export interface EvmRpcClientOptions {
  /** Timeout of one HTTP attempt, in milliseconds. */
  timeoutMs: number
  /** The most body bytes read from one answer (default {@link DEFAULT_MAX_BODY_BYTES}); a longer one fails the URL. */
  maxBodyBytes?: number
}

/** A block as JSON-RPC reads name it: a tag or number (`latest`, `0x1f`), or a hash (EIP-1898). */
type BlockParam = string | { blockHash: string }

interface RpcRequest {
  method: string
  params: unknown[]
}

export interface RpcError {
  code: number
  message: string
  data?: unknown
}

/** One reply of a JSON-RPC batch. */
export type RpcReply = { result: unknown; error?: undefined } | { result?: undefined; error: RpcError }

/** One URL could not serve one round trip: the next URL is tried. */
class UrlFailure extends Error {
  /** The HTTP status the URL answered with, when that is what failed. */
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

/**
 * JSON-RPC client for one network. Every HTTP request is a JSON-RPC batch that starts with
 * `eth_chainId`, so whichever URL answers is checked against the configured chain id in the same
 * round trip. A URL that fails (connection lost, timeout, non-2xx, malformed answer, wrong chain,
 * node-side error, a head that is not fresh, a pinned block it does not hold) is skipped for the
 * rest of the client's life and the same batch goes to the next URL; a call that reverts is an
 * answer, not a failure, and is returned as such. Every adapter that reads an EVM chain through
 * {@link EvmRpcClient.pin} gets the freshness checks and the block's number, hash and timestamp
 * to report.
 *
 * Which block a read is at is said by the URL whose head was checked: the pinned block's header
 * comes from it, in the round trip that checks the head or reads at the block. Every later read
 * names the block by its hash, so a failover cannot bring in another branch's block at the same
 * height.
 *
 * Build one client per request: it remembers which URL last answered, so a request that lost
 * its first URL does not try it again for its later round trips, while the next request starts
 * again from the operator's first choice.
 */
export class EvmRpcClient {
  /** HTTP requests sent so far, failed attempts included. */
  requestCount = 0
  private preferred = 0

  constructor(
    readonly settings: EvmNetworkSettings,
    private readonly options: EvmRpcClientOptions,
  ) {}

  /**
   * Pins the block `latest − confirmations` and reads `calls` there.
   *
   * The head must be fresh: a URL whose head block is older than the network's
   * `maxHeadAgeSeconds`, or more than `maxLagBlocks` behind the highest head among the network's
   * other URLs (each asked for its head in parallel, when there are several), is passed over for
   * the next one, as a URL that does not answer is.
   *
   * With `confirmations` 0 on a chain with Multicall3, this is one round trip: the head and the
   * calls go in one batch, the calls inside `aggregate3` at `latest`, preceded by Multicall3's
   * `getBlockNumber()`, which says which block they were executed at (should a block have landed
   * between the two, they are read again at the head's block, by its hash). Otherwise the first
   * round trip learns the head (and whether Multicall3 is deployed) and a second reads at the
   * pinned block: by the head's hash with `confirmations` 0; with more, by number, with the
   * block's header, from the URL that gave the head alone. Should that URL fail then, the pin
   * starts again from the next URL's head (its own freshness checked), never reading another
   * URL's block at a height it did not give.
   */
  async pin(confirmations: number, calls: EvmCall[] = []): Promise<PinnedRead> {
    if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
      throw new RangeError(`confirmations must be a non-negative integer, got ${confirmations}`)
    }
    const { network, urls } = this.settings
    /** Why each URL that gave a head could not then serve the read below it, and its HTTP status. */
    const lost: string[] = []
    const statuses: (number | undefined)[] = []
    for (;;) {
      const head = await this.readHead(confirmations, calls)
      if ('results' in head) return head
      const { latest, method } = head
      if (confirmations === 0) {
        const block: PinnedBlock = { ...latest, method }
        return { block, results: await this.readAt(block, calls) }
      }
      const anchor = this.preferred
      try {
        return await this.readBelowHead(latest.number - BigInt(confirmations), method, calls, anchor)
      } catch (error) {
        if (!(error instanceof UrlFailure)) throw error
        lost.push(`${this.urlName(anchor)}: ${error.message}`)
        statuses.push(error.status)
        if (lost.length >= urls.length) {
          throw noUrlCould(`${network}: no RPC could serve a read below its head`, lost, statuses)
        }
        warn(`${network}: ${lost.at(-1)}; pinning again from the next URL's head`)
        this.preferred = (anchor + 1) % urls.length
      }
    }
  }

  /**
   * The first round trip of {@link EvmRpcClient.pin}: a fresh head and whether Multicall3 is
   * deployed, or, on the one-round-trip path, the whole pinned read.
   */
  private async readHead(
    confirmations: number,
    calls: EvmCall[],
  ): Promise<PinnedRead | { latest: BlockStamp; method: ReadMethod }> {
    const fast = confirmations === 0 && calls.length > 0
    const head: RpcRequest[] = [
      getBlock('latest'),
      { method: 'eth_getCode', params: [MULTICALL3_ADDRESS, 'latest'] },
    ]
    if (fast) {
      const stamped = [{ to: MULTICALL3_ADDRESS, data: GET_BLOCK_NUMBER }, ...calls]
      head.push(ethCall(MULTICALL3_ADDRESS, encodeAggregate3(stamped), 'latest'))
    }
    const peers = this.peerHeads()
    let stamp: BlockStamp | undefined
    const replies = await this.roundTrip(head, 'head of the chain', async (answer) => {
      stamp = this.stamp(answer[0], 'latest')
      await this.checkFresh(stamp, peers)
    })
    const latest = stamp!
    const code = replies[1].result
    if (typeof code !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(code)) {
      throw providerError(`${this.settings.network}: eth_getCode answered ${JSON.stringify(code)}`)
    }
    let method: ReadMethod = code === '0x' ? 'batch' : 'multicall3'
    if (fast && method === 'multicall3') {
      const outcomes = decodeAggregate3(replies[2], calls.length + 1)
      const ranAt = outcomes?.[0].success ? decodeUint256(outcomes[0].returnData) : undefined
      if (!outcomes || ranAt === undefined) {
        warn(`${this.settings.network}: Multicall3 read at latest failed; reading with a JSON-RPC batch`)
        method = 'batch'
      } else if (ranAt === latest.number) {
        return { block: { ...latest, method }, results: outcomes.slice(1) }
      }
      // Otherwise the calls ran at another block than the header's (one landed between the two):
      // they are read again at the header's block, by its hash.
    }
    if (BigInt(confirmations) > latest.number) {
      throw providerError(
        `${this.settings.network}: the chain is at block ${latest.number}, short of ${confirmations} confirmations`,
      )
    }
    return { latest, method }
  }

  /**
   * Reads `calls` at block `number`, below the head URL `anchor` gave, from that URL alone and
   * with the block's header in the same batch: the URL whose head was checked says which block
   * is at that height. Throws its {@link UrlFailure} when it cannot serve the read (its header
   * null included).
   */
  private async readBelowHead(
    number: bigint,
    method: ReadMethod,
    calls: EvmCall[],
    anchor: number,
  ): Promise<PinnedRead> {
    const tag = toQuantity(number)
    let header: BlockStamp | undefined
    const replies = await this.roundTrip(
      [getBlock(tag), ...readRequests(calls, method, tag)],
      `read at block ${number}`,
      (answer) => {
        header = this.stamp(answer[0], tag)
      },
      anchor,
    )
    const block: PinnedBlock = { ...header!, method }
    if (calls.length === 0) return { block, results: [] }
    const outcomes = this.outcomes(replies.slice(1), calls, method)
    if (outcomes) return { block, results: outcomes }
    this.multicallFailed(block)
    return { block, results: await this.readAt(block, calls) }
  }

  /**
   * Reads `calls` at a pinned block in one round trip, naming the block by its hash (EIP-1898),
   * from whichever URL answers. If Multicall3 cannot serve them (not deployed at that block, or
   * `aggregate3` itself failed), reads them again as a JSON-RPC batch, and so for the rest of the
   * request.
   */
  async readAt(
    block: Pick<PinnedBlock, 'number' | 'hash' | 'method'>,
    calls: EvmCall[],
  ): Promise<CallOutcome[]> {
    if (calls.length === 0) return []
    const at = { blockHash: block.hash }
    if (block.method === 'multicall3') {
      const replies = await this.roundTrip(
        readRequests(calls, 'multicall3', at),
        `Multicall3 read at block ${block.number}`,
      )
      const outcomes = this.outcomes(replies, calls, 'multicall3')
      if (outcomes) return outcomes
      this.multicallFailed(block)
    }
    const replies = await this.roundTrip(
      readRequests(calls, 'batch', at),
      `batch read at block ${block.number}`,
    )
    return this.outcomes(replies, calls, 'batch')!
  }

  /**
   * The logs of `filter` from `filter.fromBlock` up to the pinned `block`, in block ranges of
   * `filter.blockRange`, {@link LOG_QUERIES_PER_BATCH} ranges per round trip. Logs are queried by
   * block number, so every round trip ends with the header at the pinned height, read after the
   * logs: a URL that holds another block there (a reorg, or a node on another branch) is passed
   * over, and the read fails (502) when none holds it; never a sum over another branch's logs.
   * A log marked `removed`, from another contract or outside its range, malformed, or given
   * twice (a sum would count it twice), is a 502.
   */
  async logsUpTo(block: Pick<PinnedBlock, 'number' | 'hash'>, filter: LogFilter): Promise<EvmLog[]> {
    const { network } = this.settings
    if (filter.fromBlock > block.number) return []
    const ranges: [bigint, bigint][] = []
    const step = BigInt(filter.blockRange)
    const queries = (block.number - filter.fromBlock) / step + 1n
    const maxQueries = filter.maxQueries ?? MAX_LOG_QUERIES
    if (queries > BigInt(maxQueries)) {
      throw providerError(
        `${network}: the logs of ${filter.address} from block ${filter.fromBlock} to ${block.number} need ` +
          `${queries} eth_getLogs queries of ${filter.blockRange} blocks, more than the ${maxQueries} one read ` +
          `makes: raise ${network.toUpperCase().replace(/-/g, '_')}_RPC_LOG_BLOCK_RANGE as far as the RPC allows`,
      )
    }
    for (let from = filter.fromBlock; from <= block.number; from += step) {
      const to = from + step - 1n
      ranges.push([from, to < block.number ? to : block.number])
    }
    const address = filter.address.toLowerCase()
    const logs: EvmLog[] = []
    const seen = new Set<string>()
    for (let i = 0; i < ranges.length; i += LOG_QUERIES_PER_BATCH) {
      const batch = ranges.slice(i, i + LOG_QUERIES_PER_BATCH)
      const tag = toQuantity(block.number)
      const replies = await this.roundTrip(
        [
          ...batch.map(([from, to]) => ({
            method: 'eth_getLogs',
            params: [
              { address, topics: [filter.topics], fromBlock: toQuantity(from), toBlock: toQuantity(to) },
            ],
          })),
          getBlock(tag),
        ],
        `log read of ${address}, blocks ${batch[0][0]} to ${batch.at(-1)![1]}`,
        (answer) => {
          const header = this.stamp(answer[answer.length - 1], tag)
          if (header.hash !== block.hash.toLowerCase()) {
            throw new UrlFailure(
              `holds block ${header.hash} at height ${block.number}, not the pinned ${block.hash}`,
            )
          }
        },
      )
      batch.forEach(([from, to], n) => {
        const where = `${network}: eth_getLogs(${address}, blocks ${from} to ${to})`
        const answer = replies[n].result
        if (!Array.isArray(answer))
          throw providerError(`${where} answered ${JSON.stringify(answer)?.slice(0, 80)}`)
        for (const item of answer) {
          const log = checkedLog(item, where, address, from, to, block)
          const key = `${log.blockNumber}:${log.logIndex}`
          if (seen.has(key)) {
            throw providerError(`${where} answered log ${log.logIndex} of block ${log.blockNumber} twice`)
          }
          seen.add(key)
          logs.push(log)
        }
      })
    }
    return logs
  }

  /** Multicall3 could not serve a read at `block`: it is read, from now on, with JSON-RPC batches. */
  private multicallFailed(block: Pick<PinnedBlock, 'number' | 'method'>): void {
    warn(
      `${this.settings.network}: Multicall3 read at block ${block.number} failed; reading with a JSON-RPC batch`,
    )
    block.method = 'batch'
  }

  /**
   * The outcomes of `calls` from the replies to {@link readRequests}; undefined when Multicall3
   * did not serve them.
   */
  private outcomes(replies: RpcReply[], calls: EvmCall[], method: ReadMethod): CallOutcome[] | undefined {
    if (method === 'multicall3') return decodeAggregate3(replies[0], calls.length)
    return replies.map((reply, i): CallOutcome => {
      if (calls[i].balanceOf !== undefined) {
        const balance = this.quantity(reply, 'eth_getBalance')
        return { success: true, returnData: `0x${balance.toString(16).padStart(64, '0')}` }
      }
      if (!reply.error) {
        const data = reply.result
        if (typeof data !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(data)) {
          throw providerError(`${this.settings.network}: eth_call answered ${JSON.stringify(data)}`)
        }
        return { success: true, returnData: data }
      }
      const data = reply.error.data
      return {
        success: false,
        returnData: typeof data === 'string' && /^0x([0-9a-fA-F]{2})*$/.test(data) ? data : '0x',
        revertMessage: reply.error.message,
      }
    })
  }

  /**
   * Refuses (for this URL: the next one is tried) a head older than the network's
   * `maxHeadAgeSeconds` by the clock, or more than `maxLagBlocks` behind the highest of `peers`.
   */
  private async checkFresh(head: BlockStamp, peers: Promise<bigint[]>): Promise<void> {
    const rule = this.settings.freshness
    const problem = headTooOld(head, rule, 'head') ?? headTooFarBehind(head, await peers, rule, 'head')
    if (problem) throw new UrlFailure(problem)
  }

  /**
   * The heads of the network's URLs other than the one asked first, each asked once in parallel
   * with the head (those that answer within the timeout): what a head is compared with.
   */
  private peerHeads(): Promise<bigint[]> {
    const { urls, network } = this.settings
    if (urls.length < 2) return Promise.resolve([])
    const first = this.preferred
    const asked = urls.map(async (url, index): Promise<bigint[]> => {
      if (index === first) return []
      try {
        const [reply] = await this.send(url, [{ method: 'eth_blockNumber', params: [] }])
        return [this.quantity(reply, 'eth_blockNumber')]
      } catch (error) {
        warn(
          `${network}: ${this.urlName(index)} did not give its head for comparison: ${(error as Error).message}`,
        )
        return []
      }
    })
    return Promise.all(asked).then((heads) => heads.flat())
  }

  /**
   * A block header's number, hash and timestamp, from `eth_getBlockByNumber(tag)`; a URL that
   * does not hold the block (null) is passed over, a malformed header is a 502.
   */
  private stamp(reply: RpcReply, tag: string): BlockStamp {
    const header = reply.result
    if (header === null) throw new UrlFailure(`does not hold block ${tag}`)
    const fields = (typeof header === 'object' ? header : {}) as {
      number?: unknown
      hash?: unknown
      timestamp?: unknown
    }
    const method = `eth_getBlockByNumber(${tag})`
    const number = this.height(this.quantity({ result: fields.number }, `${method} number`), method)
    if (tag !== 'latest' && number !== BigInt(tag)) {
      throw providerError(`${this.settings.network}: ${method} answered block ${number}`)
    }
    const timestamp = this.seconds(this.quantity({ result: fields.timestamp }, `${method} timestamp`), method)
    const { hash } = fields
    if (typeof hash !== 'string' || !/^0x[0-9a-fA-F]{64}$/.test(hash)) {
      throw providerError(
        `${this.settings.network}: ${method} answered a block hash of ${JSON.stringify(hash)}`,
      )
    }
    return { number, hash: hash.toLowerCase(), timestamp }
  }

  /** A block height that JSON carries exactly (at most 2^53 − 1); otherwise a 502 naming it. */
  private height(value: bigint, method: string): bigint {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw providerError(
        `${this.settings.network}: ${method} answered block ${value}, above 2^53 − 1: not a height to trust, nor one JSON carries exactly`,
      )
    }
    return value
  }

  /** A block timestamp in seconds, exact as a number; otherwise a 502 naming it. */
  private seconds(value: bigint, method: string): number {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw providerError(`${this.settings.network}: ${method} answered a timestamp of ${value}: not a time`)
    }
    return Number(value)
  }

  private quantity(reply: RpcReply, method: string): bigint {
    const value = reply.result
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
      throw providerError(`${this.settings.network}: ${method} answered ${JSON.stringify(value)}`)
    }
    return BigInt(value)
  }

  /**
   * Sends one batch to the first URL able to answer it, in failover order. `accept` may refuse a
   * URL's answer with a {@link UrlFailure} (a stale head, a block it does not hold): the batch
   * then goes to the next URL. With `only`, sends it to URL `only` alone, and throws that URL's
   * {@link UrlFailure} if it cannot answer.
   */
  private async roundTrip(
    requests: RpcRequest[],
    purpose: string,
    accept?: (replies: RpcReply[]) => void | Promise<void>,
    only?: number,
  ): Promise<RpcReply[]> {
    const { urls, network } = this.settings
    const order = only === undefined ? urls.map((_, n) => (this.preferred + n) % urls.length) : [only]
    const failures: string[] = []
    const statuses: (number | undefined)[] = []
    for (const [n, index] of order.entries()) {
      try {
        const replies = await this.send(urls[index], requests)
        await accept?.(replies)
        this.preferred = index
        return replies
      } catch (error) {
        if (!(error instanceof UrlFailure) || only !== undefined) throw error
        const where = this.urlName(index)
        failures.push(`${where}: ${error.message}`)
        statuses.push(error.status)
        warn(
          `${network}: ${where} failed the ${purpose}: ${error.message}` +
            (n + 1 < urls.length ? '; failing over to the next URL' : ''),
        )
      }
    }
    throw noUrlCould(`${network}: no RPC could serve the ${purpose}`, failures, statuses)
  }

  /** URL `index` as messages name it: its setting, position and host (never the URL). */
  private urlName(index: number): string {
    const { urlSetting, urls } = this.settings
    return `${urlSetting} #${index + 1} (${hostOf(urls[index])})`
  }

  /** One HTTP request: the batch, preceded by eth_chainId, checked in full before use. */
  private async send(url: string, requests: RpcRequest[]): Promise<RpcReply[]> {
    const batch = [{ method: 'eth_chainId', params: [] }, ...requests].map((request, id) => ({
      jsonrpc: '2.0',
      id,
      ...request,
    }))
    this.requestCount++
    let status: number
    let text: string
    try {
      // Credentials in the URL go as HTTP Basic: fetch refuses them in the URL. Redirects are
      // followed within the URL's origin only, and the body is read up to its cap.
      const endpoint = providerEndpoint(url, this.settings.urlSetting)
      const response = await fetchBounded(endpoint.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...endpoint.headers },
        body: JSON.stringify(batch),
        timeoutMs: this.options.timeoutMs,
        maxBodyBytes: this.options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      })
      status = response.status
      text = response.text
    } catch (error) {
      if (error instanceof HttpRefusal) throw new UrlFailure(error.message)
      throw new UrlFailure(describeNetworkError(error, this.options.timeoutMs))
    }
    if (status < 200 || status >= 300) {
      throw new UrlFailure(`HTTP ${status} ${redactUrls(text.slice(0, 160)).trim()}`.trim(), status)
    }
    let body: unknown
    try {
      body = parseUnambiguousJson(text)
    } catch (error) {
      throw new UrlFailure(
        error instanceof DuplicateKeyError
          ? `answered an ambiguous body: ${error.message}`
          : 'answered with malformed JSON',
      )
    }
    if (!Array.isArray(body)) {
      const message = (body as { error?: { message?: unknown } } | null)?.error?.message
      throw new UrlFailure(
        `did not answer the JSON-RPC batch${typeof message === 'string' ? `: ${redactUrls(message.slice(0, 160))}` : ''}`,
      )
    }
    const replies = new Map<number, RpcReply>()
    for (const item of body as unknown[]) {
      const reply = asReply(item)
      if (!reply || reply.id < 0 || reply.id >= batch.length || replies.has(reply.id)) {
        throw new UrlFailure('answered the JSON-RPC batch with an unexpected or repeated reply')
      }
      replies.set(reply.id, reply.reply)
    }
    if (replies.size !== batch.length) {
      throw new UrlFailure(`answered ${replies.size} of the ${batch.length} requests of the batch`)
    }
    const chainReply = replies.get(0)!
    if (chainReply.error) throw new UrlFailure(`eth_chainId failed: ${chainReply.error.message}`)
    const chainId =
      typeof chainReply.result === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(chainReply.result)
        ? BigInt(chainReply.result)
        : undefined
    if (chainId !== this.settings.chainId) {
      throw new UrlFailure(
        `reports chain id ${chainId ?? JSON.stringify(chainReply.result)}, ` +
          `expected ${this.settings.chainId} (${this.settings.chainIdSetting})`,
      )
    }
    return requests.map((request, i) => {
      const reply = replies.get(i + 1)!
      if (reply.error && !(request.method === 'eth_call' && isRevert(reply.error))) {
        // The node could not serve this (pruned state, unknown block, overload): another may.
        throw new UrlFailure(`${request.method} failed: ${reply.error.message.slice(0, 160)}`)
      }
      return reply
    })
  }
}

/**
 * The 502 of a round trip no URL could serve, listing each URL's failure. Every URL refusing the
 * request (a 4xx other than 408/429) is an answer, not an outage: its status goes along.
 */
function noUrlCould(what: string, failures: string[], statuses: (number | undefined)[]) {
  const refused = statuses.every(
    (status) => status !== undefined && status < 500 && !isRetryableStatus(status),
  )
  return providerError(`${what} (${failures.join('; ')})`, 502, refused ? statuses[0] : undefined)
}

/** `eth_getBlockByNumber(tag)`, without the transactions: the header (and the transaction hashes). */
function getBlock(tag: string): RpcRequest {
  return { method: 'eth_getBlockByNumber', params: [tag, false] }
}

function ethCall(to: string, data: string, block: BlockParam): RpcRequest {
  return { method: 'eth_call', params: [{ to, data }, block] }
}

/** The requests that read `calls` at `block`: one `aggregate3` call, or one `eth_call` each. */
function readRequests(calls: EvmCall[], method: ReadMethod, block: BlockParam): RpcRequest[] {
  if (calls.length === 0) return []
  if (method === 'multicall3') return [ethCall(MULTICALL3_ADDRESS, encodeAggregate3(calls), block)]
  return calls.map((call) =>
    call.balanceOf === undefined
      ? ethCall(call.to, call.data, block)
      : { method: 'eth_getBalance', params: [call.balanceOf, block] },
  )
}

/** `eth_getLogs` queries sent in one round trip (with the pinned block's header after them). */
const LOG_QUERIES_PER_BATCH = 4

const HEX_WORD = /^0x[0-9a-fA-F]{64}$/

/**
 * One log of an `eth_getLogs(address, from, to)` answer, checked: not removed, from `address`,
 * in the range, a log at the pinned height in the pinned block; a 502 naming `where` otherwise.
 */
function checkedLog(
  item: unknown,
  where: string,
  address: string,
  from: bigint,
  to: bigint,
  block: Pick<PinnedBlock, 'number' | 'hash'>,
): EvmLog {
  const log = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>
  const quantity = (value: unknown) =>
    typeof value === 'string' && /^0x[0-9a-fA-F]{1,16}$/.test(value) ? BigInt(value) : undefined
  const blockNumber = quantity(log.blockNumber)
  const logIndex = quantity(log.logIndex)
  const { topics, data, blockHash } = log
  const bad = (why: string) =>
    providerError(`${where} answered a log that ${why}: ${JSON.stringify(item)?.slice(0, 200)}`)
  if (log.removed === true) throw bad('is removed (a reorg)')
  if (typeof log.address !== 'string' || log.address.toLowerCase() !== address)
    throw bad('is from another contract')
  if (blockNumber === undefined || blockNumber < from || blockNumber > to) throw bad('is outside the range')
  if (
    blockNumber === block.number &&
    (typeof blockHash !== 'string' || blockHash.toLowerCase() !== block.hash.toLowerCase())
  ) {
    throw bad('is in another block at the pinned height')
  }
  if (logIndex === undefined) throw bad('has no log index')
  if (!Array.isArray(topics) || !topics.every((topic) => typeof topic === 'string' && HEX_WORD.test(topic))) {
    throw bad('has malformed topics')
  }
  if (typeof data !== 'string' || !/^0x(?:[0-9a-fA-F]{2})*$/.test(data)) throw bad('has malformed data')
  return { blockNumber, logIndex: Number(logIndex), topics: topics as string[], data }
}

function toQuantity(value: bigint): string {
  return `0x${value.toString(16)}`
}

const AGGREGATE3_SELECTOR = multicall3Interface.getFunction('aggregate3')!.selector.slice(2)
/** A 32-byte word of hex: `value` left-padded. */
const word = (value: number | string) =>
  (typeof value === 'number' ? value.toString(16) : value).padStart(64, '0')

/**
 * Encodes an `aggregate3` call in which every call may fail on its own: the ABI encoding of
 * `(address target, bool allowFailure, bytes callData)[]`, written out directly. ethers' coder
 * takes seconds for a thousand calls; this is a few milliseconds (the test holds it to
 * ethers' encoding).
 */
export function encodeAggregate3(calls: EvmCall[]): string {
  const tuples = calls.map((call) => {
    const data = call.data.slice(2)
    const padded = data.padEnd(Math.ceil(data.length / 64) * 64, '0')
    return word(call.to.slice(2).toLowerCase()) + word(1) + word(0x60) + word(data.length / 2) + padded
  })
  const offsets: string[] = []
  let offset = 32 * calls.length
  for (const tuple of tuples) {
    offsets.push(word(offset))
    offset += tuple.length / 2
  }
  return `0x${AGGREGATE3_SELECTOR}${word(0x20)}${word(calls.length)}${offsets.join('')}${tuples.join('')}`
}

/**
 * Decodes an `aggregate3` reply with `count` results; undefined when Multicall3 did not serve
 * the calls (no code at that block: empty return; the aggregate call itself reverted; or a
 * reply that does not decode to `count` results). Read directly, every offset and length
 * bounds-checked as strictly as ethers' decoder (the test holds it to ethers' decoding).
 */
export function decodeAggregate3(reply: RpcReply, count: number): CallOutcome[] | undefined {
  if (reply.error || typeof reply.result !== 'string' || reply.result === '0x') return undefined
  const hex = reply.result
  if (!/^0x(?:[0-9a-fA-F]{64})+$/.test(hex)) return undefined
  const words = (hex.length - 2) / 64
  /** Word `i` (from the start) as a number, if it is one below 2^48. */
  const at = (i: number): number | undefined => {
    if (!Number.isSafeInteger(i) || i < 0 || i >= words) return undefined
    const text = hex.slice(2 + i * 64, 2 + (i + 1) * 64)
    if (!/^0{52}/.test(text)) return undefined
    return parseInt(text.slice(52), 16)
  }
  /** A byte offset as a word index, if it is word-aligned. */
  const wordIndex = (bytes: number | undefined) =>
    bytes !== undefined && bytes % 32 === 0 ? bytes / 32 : undefined
  const array = wordIndex(at(0))
  if (array === undefined || at(array) !== count) return undefined
  const outcomes: CallOutcome[] = []
  for (let i = 0; i < count; i++) {
    const relative = wordIndex(at(array + 1 + i))
    if (relative === undefined) return undefined
    const tuple = array + 1 + relative
    const success = at(tuple)
    const bytesAt = wordIndex(at(tuple + 1))
    if ((success !== 0 && success !== 1) || bytesAt === undefined) return undefined
    const length = at(tuple + bytesAt)
    if (length === undefined) return undefined
    const start = tuple + bytesAt + 1
    if (start + Math.ceil(length / 32) > words) return undefined
    const begin = 2 + start * 64
    outcomes.push({
      success: success === 1,
      returnData: `0x${hex.slice(begin, begin + length * 2).toLowerCase()}`,
    })
  }
  return outcomes
}

/** The first 32-byte word of ABI-encoded return data as an unsigned integer; undefined if too short. */
export function decodeUint256(returnData: string): bigint | undefined {
  if (!/^0x[0-9a-fA-F]*$/.test(returnData) || returnData.length < 66) return undefined
  return BigInt(returnData.slice(0, 66))
}

function asReply(item: unknown): { id: number; reply: RpcReply } | undefined {
  if (typeof item !== 'object' || item === null) return undefined
  const { id, result, error } = item as { id?: unknown; result?: unknown; error?: unknown }
  if (typeof id !== 'number' || !Number.isInteger(id)) return undefined
  if (error !== undefined && error !== null) {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown }
    return {
      id,
      reply: {
        error: {
          code: typeof code === 'number' ? code : 0,
          message: typeof message === 'string' ? message : JSON.stringify(error),
          data,
        },
      },
    }
  }
  if (result === undefined) return undefined
  return { id, reply: { result } }
}

/**
 * A call that reverted or ran out of gas: a deterministic answer, the same from every node (for
 * `aggregate3` itself, a cue to read the calls one by one instead).
 */
function isRevert(error: RpcError): boolean {
  return error.code === 3 || /revert|out of gas|gas required exceeds/i.test(error.message)
}
