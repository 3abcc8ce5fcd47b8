/**
 * EVM JSON-RPC access for the on-chain adapters: per-network settings with Chainlink's naming
 * (`<NETWORK>_RPC_URL`, `<NETWORK>_RPC_CHAIN_ID`), a chain-id check on every answer, failover
 * along the URL list, reads pinned to one block (latest − confirmations), and every read of a
 * step sent in one HTTP round trip: one Multicall3 `aggregate3` call where Multicall3 is
 * deployed, else one JSON-RPC batch.
 *
 * Raw JSON-RPC over `fetch` rather than ethers' JsonRpcProvider: the provider batches on a timer
 * and splits batches by count, looks up the network on its own schedule and retries internally,
 * so neither the number of round trips nor which URL answered (and whether its chain id was
 * checked) could be guaranteed. ethers is used for ABI encoding and decoding only.
 */
import { multicall3Interface } from '#chain/abi'
import { makeLogger } from '@chainlink/external-adapter-framework/util'
import { inputError, providerError } from './errors'
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
}

/** Setting names for a network: `arbitrum-one` → `ARBITRUM_ONE_RPC_URL`, `ARBITRUM_ONE_RPC_CHAIN_ID`. */
export function evmSettingNames(network: string): { url: string; chainId: string } {
  const prefix = network.toUpperCase().replace(/-/g, '_')
  return { url: `${prefix}_RPC_URL`, chainId: `${prefix}_RPC_CHAIN_ID` }
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
 * when a request names it). Throws a 400 naming the setting that is missing or malformed;
 * `field` names the request field the network came from.
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
    if (!isHttpUrl(url)) throw inputError(`${names.url}: entry ${i + 1} is not an http(s) URL`)
  })
  const chainIdText = env[names.chainId]?.trim()
  if (!chainIdText) {
    throw inputError(`${field}: network "${network}" has no chain id: set ${names.chainId}`)
  }
  if (!/^\d{1,20}$/.test(chainIdText) || BigInt(chainIdText) === 0n) {
    throw inputError(
      `${names.chainId} must be a positive decimal integer, got ${JSON.stringify(chainIdText)}`,
    )
  }
  return {
    network: network.toLowerCase(),
    urlSetting: names.url,
    chainIdSetting: names.chainId,
    urls,
    chainId: BigInt(chainIdText),
  }
}

/** One read-only contract call. */
export interface EvmCall {
  to: string
  data: string
}

/** What a call returned (`success`), or that it reverted (`returnData` is then the revert data). */
export interface CallOutcome {
  success: boolean
  returnData: string
  /** The node's revert message, when the call was made outside Multicall3 and reverted. */
  revertMessage?: string
}

/** How a chain's reads are sent: inside one Multicall3 `aggregate3` call, or as a JSON-RPC batch. */
export type ReadMethod = 'multicall3' | 'batch'

/** The block a request reads at, and how its reads are sent. */
export interface PinnedBlock {
  readonly number: bigint
  method: ReadMethod
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
 * node-side error) is skipped for the rest of the client's life and the same batch goes to the
 * next URL; a call that reverts is an answer, not a failure, and is returned as such.
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
   * With `confirmations` 0 on a chain with Multicall3, this is one round trip: the head and the
   * calls go in one batch, the calls inside `aggregate3` at `latest`, preceded by Multicall3's
   * `getBlockNumber()`, which says which block they were executed at. Otherwise the first round
   * trip learns the head (and whether Multicall3 is deployed) and a second reads at the pinned
   * block.
   */
  async pin(confirmations: number, calls: EvmCall[] = []): Promise<PinnedRead> {
    if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
      throw new RangeError(`confirmations must be a non-negative integer, got ${confirmations}`)
    }
    const fast = confirmations === 0 && calls.length > 0
    const head: RpcRequest[] = [
      { method: 'eth_blockNumber', params: [] },
      { method: 'eth_getCode', params: [MULTICALL3_ADDRESS, 'latest'] },
    ]
    if (fast) {
      const withBlockNumber = [{ to: MULTICALL3_ADDRESS, data: GET_BLOCK_NUMBER }, ...calls]
      head.push(ethCall(MULTICALL3_ADDRESS, encodeAggregate3(withBlockNumber), 'latest'))
    }
    const replies = await this.roundTrip(head, 'head of the chain')
    const latest = this.height(this.quantity(replies[0], 'eth_blockNumber'), 'eth_blockNumber')
    const code = replies[1].result
    if (typeof code !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(code)) {
      throw providerError(`${this.settings.network}: eth_getCode answered ${JSON.stringify(code)}`)
    }
    let hasMulticall = code !== '0x'
    if (fast && hasMulticall) {
      const outcomes = decodeAggregate3(replies[2], calls.length + 1)
      const blockNumber = outcomes?.[0].success ? decodeUint256(outcomes[0].returnData) : undefined
      if (outcomes && blockNumber !== undefined) {
        const number = this.height(blockNumber, 'Multicall3 getBlockNumber()')
        return { block: { number, method: 'multicall3' }, results: outcomes.slice(1) }
      }
      warn(`${this.settings.network}: Multicall3 read at latest failed; reading with a JSON-RPC batch`)
      hasMulticall = false
    }
    if (BigInt(confirmations) > latest) {
      throw providerError(
        `${this.settings.network}: the chain is at block ${latest}, short of ${confirmations} confirmations`,
      )
    }
    const block: PinnedBlock = {
      number: latest - BigInt(confirmations),
      method: hasMulticall ? 'multicall3' : 'batch',
    }
    return { block, results: await this.readAt(block, calls) }
  }

  /**
   * Reads `calls` at a pinned block in one round trip. If Multicall3 cannot serve them (not
   * deployed at that block, or `aggregate3` itself failed), reads them again as a JSON-RPC
   * batch, and so for the rest of the request.
   */
  async readAt(block: PinnedBlock, calls: EvmCall[]): Promise<CallOutcome[]> {
    if (calls.length === 0) return []
    const tag = toQuantity(block.number)
    if (block.method === 'multicall3') {
      const [reply] = await this.roundTrip(
        [ethCall(MULTICALL3_ADDRESS, encodeAggregate3(calls), tag)],
        `Multicall3 read at block ${block.number}`,
      )
      const outcomes = decodeAggregate3(reply, calls.length)
      if (outcomes) return outcomes
      warn(
        `${this.settings.network}: Multicall3 read at block ${block.number} failed; reading with a JSON-RPC batch`,
      )
      block.method = 'batch'
    }
    const replies = await this.roundTrip(
      calls.map((call) => ethCall(call.to, call.data, tag)),
      `batch read at block ${block.number}`,
    )
    return replies.map((reply): CallOutcome => {
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

  /** A block height that JSON carries exactly (at most 2^53 − 1); otherwise a 502 naming it. */
  private height(value: bigint, method: string): bigint {
    if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw providerError(
        `${this.settings.network}: ${method} answered block ${value}, above 2^53 − 1: not a height to trust, nor one JSON carries exactly`,
      )
    }
    return value
  }

  private quantity(reply: RpcReply, method: string): bigint {
    const value = reply.result
    if (typeof value !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(value)) {
      throw providerError(`${this.settings.network}: ${method} answered ${JSON.stringify(value)}`)
    }
    return BigInt(value)
  }

  /** Sends one batch to the first URL able to answer it, in failover order. */
  private async roundTrip(requests: RpcRequest[], purpose: string): Promise<RpcReply[]> {
    const { urls, network, urlSetting } = this.settings
    const failures: string[] = []
    const statuses: (number | undefined)[] = []
    for (let n = 0; n < urls.length; n++) {
      const index = (this.preferred + n) % urls.length
      try {
        const replies = await this.send(urls[index], requests)
        this.preferred = index
        return replies
      } catch (error) {
        if (!(error instanceof UrlFailure)) throw error
        const where = `${urlSetting} #${index + 1} (${hostOf(urls[index])})`
        failures.push(`${where}: ${error.message}`)
        statuses.push(error.status)
        warn(
          `${network}: ${where} failed the ${purpose}: ${error.message}` +
            (n + 1 < urls.length ? '; failing over to the next URL' : ''),
        )
      }
    }
    // Every URL refusing the request (a 4xx other than 408/429) is an answer, not an outage.
    const refused = statuses.every(
      (status) => status !== undefined && status < 500 && !isRetryableStatus(status),
    )
    throw providerError(
      `${network}: no RPC could serve the ${purpose} (${failures.join('; ')})`,
      502,
      refused ? statuses[0] : undefined,
    )
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

function ethCall(to: string, data: string, blockTag: string): RpcRequest {
  return { method: 'eth_call', params: [{ to, data }, blockTag] }
}

function toQuantity(value: bigint): string {
  return `0x${value.toString(16)}`
}

/** Encodes an `aggregate3` call in which every call may fail on its own. */
export function encodeAggregate3(calls: EvmCall[]): string {
  return multicall3Interface.encodeFunctionData('aggregate3', [
    calls.map((call) => ({ target: call.to, allowFailure: true, callData: call.data })),
  ])
}

/**
 * Decodes an `aggregate3` reply with `count` results; undefined when Multicall3 did not serve
 * the calls (no code at that block: empty return; the aggregate call itself reverted; or a
 * reply that does not decode to `count` results).
 */
export function decodeAggregate3(reply: RpcReply, count: number): CallOutcome[] | undefined {
  if (reply.error || typeof reply.result !== 'string' || reply.result === '0x') return undefined
  try {
    const [results] = multicall3Interface.decodeFunctionResult('aggregate3', reply.result) as unknown as [
      [boolean, string][],
    ]
    if (results.length !== count) return undefined
    return results.map(([success, returnData]) => ({ success, returnData }))
  } catch {
    return undefined
  }
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
