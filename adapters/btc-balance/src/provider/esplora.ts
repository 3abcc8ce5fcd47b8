import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { isFinalFailure, providerError } from '#common/errors'
import { JsonNumber, isJsonRecord, parseProviderJson, type JsonRecord, type LosslessJson } from '#common/json'
import type { ProviderClient, ProviderResponse } from '#common/provider-client'
import type { EsploraStats, TxEffect } from '../rules/height-rule'
import { exactHeight } from '../rules/supply'

/** Esplora pages confirmed address history 25 transactions at a time, newest first. */
export const CHAIN_TXS_PAGE_SIZE = 25

/**
 * A provider that gave no answer (down, 5xx, 429 or timeouts, its retries spent): another
 * provider may answer, where a 4xx or a malformed answer would only be repeated.
 */
export class ProviderUnanswered extends AdapterError {
  constructor(message: string) {
    super({ statusCode: 502, name: 'AdapterDataProviderError', message })
  }
}

/** The tip as one provider gave it, and which one (its position in the URL list). */
export interface ProviderTip {
  height: number
  endpoint: number
}

/** A block as Esplora's `GET /block/:hash` gives it: what a tip's freshness is judged by. */
export interface EsploraBlock {
  hash: string
  height: number
  /** The block's timestamp (its header's), in seconds since the epoch. */
  timestamp: number
}

/** The tip as one provider gave it, with its block's hash and timestamp. */
export type ProviderTipBlock = ProviderTip & EsploraBlock

/**
 * Reads what the balance rule needs from an Esplora REST API: from whichever URL of the list
 * answers, or, {@link EsploraApi.at} one URL, from that one alone.
 */
export class EsploraApi {
  constructor(
    private readonly client: ProviderClient,
    private readonly endpoint?: number,
  ) {}

  /** The same API asking URL `endpoint` (0-based) alone: every answer from one provider's chain state. */
  at(endpoint: number): EsploraApi {
    return new EsploraApi(this.client, endpoint)
  }

  /** The positions of the configured URLs, in list order. */
  endpoints(): number[] {
    return Array.from({ length: this.client.endpointCount }, (_, i) => i)
  }

  /** URL `endpoint` as messages name it: its position and host (never the URL). */
  name(endpoint: number): string {
    return this.client.endpointName(endpoint)
  }

  /** The URL-list setting the URLs come from. */
  get setting(): string {
    return this.client.options.label
  }

  /** `GET /blocks/tip/height` (bare digits): the tip height, and the provider that gave it. */
  async tip(): Promise<ProviderTip> {
    const response = await this.fetch('blocks/tip/height', 'tip height')
    const trimmed = response.text.trim()
    if (!/^\d+$/.test(trimmed))
      throw providerError(`tip height: expected digits, got ${JSON.stringify(trimmed.slice(0, 40))}`)
    return {
      height: exactHeight(BigInt(trimmed), 'tip height'),
      endpoint: this.endpoint ?? response.endpoint ?? 0,
    }
  }

  /** `GET /block-height/:height`: the hash of the block at `height` on the provider's chain. */
  async blockHash(height: number): Promise<string> {
    const { text } = await this.fetch(`block-height/${height}`, `block ${height}`)
    return blockHashText(text, `block ${height}`)
  }

  /** `GET /blocks/tip/hash` (bare hex): the tip's hash, and the provider that gave it. */
  async tipHash(): Promise<{ hash: string; endpoint: number }> {
    const response = await this.fetch('blocks/tip/hash', 'tip hash')
    return {
      hash: blockHashText(response.text, 'tip hash'),
      endpoint: this.endpoint ?? response.endpoint ?? 0,
    }
  }

  /** `GET /block/:hash`: the block's height and timestamp. */
  async block(hash: string): Promise<EsploraBlock> {
    const subject = `block ${hash}`
    const record = asRecord(await this.getJson(`block/${hash}`, subject), subject, 'response')
    if (record.id !== hash) {
      throw providerError(`${subject}: the provider answered block ${JSON.stringify(record.id ?? null)}`)
    }
    const integer = (field: string) =>
      exactHeight(satoshis(record[field], subject, field), `${subject}: ${field}`)
    return { hash, height: integer('height'), timestamp: integer('timestamp') }
  }

  /** `GET /address/:address`: confirmed and mempool totals. */
  async addressStats(address: string): Promise<{ chain: EsploraStats; mempool: EsploraStats }> {
    const body = await this.getJson(`address/${address}`, address)
    const record = asRecord(body, address, 'response')
    return {
      chain: stats(record.chain_stats, address, 'chain_stats'),
      mempool: stats(record.mempool_stats, address, 'mempool_stats'),
    }
  }

  /**
   * Every confirmed transaction of `address` above height `h` (and possibly a few at or below
   * it), paging back through `GET /address/:address/txs/chain[/:last_seen_txid]`.
   */
  async confirmedTxsAbove(address: string, h: number): Promise<TxEffect[]> {
    const effects: TxEffect[] = []
    let path = `address/${address}/txs/chain`
    for (;;) {
      const page = await this.getJson(path, address)
      if (!Array.isArray(page)) throw providerError(`${address}: transaction history is not a list`)
      const txs = page.map((tx) => txEffect(tx, address))
      effects.push(...txs)
      const last = txs.at(-1)
      if (!last || txs.length < CHAIN_TXS_PAGE_SIZE || last.height <= h) return effects
      path = `address/${address}/txs/chain/${last.txid}`
    }
  }

  private async getJson(path: string, subject: string): Promise<LosslessJson> {
    const { text } = await this.fetch(path, subject)
    return parseProviderJson(text, subject, 'Esplora API')
  }

  private async fetch(path: string, subject: string): Promise<ProviderResponse> {
    try {
      return await this.client.get(path, subject, this.endpoint)
    } catch (error) {
      if (isFinalFailure(error) || !(error instanceof AdapterError)) throw error
      throw new ProviderUnanswered(error.message)
    }
  }
}

/** A block hash as Esplora's plain-text answers give it (64 lower-case hex digits). */
function blockHashText(text: string, subject: string): string {
  const hash = text.trim()
  if (!/^[0-9a-f]{64}$/.test(hash)) {
    throw providerError(`${subject}: expected a block hash, got ${JSON.stringify(hash.slice(0, 80))}`)
  }
  return hash
}

function asRecord(value: LosslessJson | undefined, address: string, field: string): JsonRecord {
  if (!isJsonRecord(value)) throw providerError(`${address}: ${field} is missing or not an object`)
  return value
}

/** A non-negative integer amount of satoshis, read from the JSON text exactly. */
function satoshis(value: LosslessJson | undefined, address: string, field: string): bigint {
  if (!(value instanceof JsonNumber) || !/^\d+$/.test(value.text)) {
    throw providerError(
      `${address}: ${field} is not a non-negative integer: ${JSON.stringify(value ?? null)}`,
    )
  }
  return BigInt(value.text)
}

function stats(value: LosslessJson | undefined, address: string, field: string): EsploraStats {
  const record = asRecord(value, address, field)
  return {
    funded_txo_sum: satoshis(record.funded_txo_sum, address, `${field}.funded_txo_sum`),
    spent_txo_sum: satoshis(record.spent_txo_sum, address, `${field}.spent_txo_sum`),
    tx_count: exactHeight(
      satoshis(record.tx_count, address, `${field}.tx_count`),
      `${address}: ${field}.tx_count`,
    ),
  }
}

/** What a confirmed transaction paid to and spent from `address`. */
function txEffect(value: LosslessJson, address: string): TxEffect {
  const tx = asRecord(value, address, 'transaction')
  const txid = typeof tx.txid === 'string' ? tx.txid : ''
  if (!/^[0-9a-f]{64}$/.test(txid)) throw providerError(`${address}: transaction without a valid txid`)
  const status = asRecord(tx.status, address, `tx ${txid} status`)
  if (status.confirmed !== true)
    throw providerError(`${address}: tx ${txid} in confirmed history is unconfirmed`)
  const height = exactHeight(
    satoshis(status.block_height, address, `tx ${txid} status.block_height`),
    `${address}: tx ${txid} block height`,
  )
  let received = 0n
  for (const [i, output] of listOf(tx.vout, address, `tx ${txid} vout`).entries()) {
    const out = asRecord(output, address, `tx ${txid} vout ${i}`)
    if (out.scriptpubkey_address === address)
      received += satoshis(out.value, address, `tx ${txid} vout ${i} value`)
  }
  let sent = 0n
  for (const [i, input] of listOf(tx.vin, address, `tx ${txid} vin`).entries()) {
    const prevout = asRecord(input, address, `tx ${txid} vin ${i}`).prevout
    // Coinbase inputs have a null prevout: they spend nothing of ours.
    if (prevout === null || prevout === undefined) continue
    const spent = asRecord(prevout, address, `tx ${txid} vin ${i} prevout`)
    if (spent.scriptpubkey_address === address)
      sent += satoshis(spent.value, address, `tx ${txid} vin ${i} value`)
  }
  return { txid, height, received, sent }
}

function listOf(value: LosslessJson | undefined, address: string, field: string): LosslessJson[] {
  if (!Array.isArray(value)) throw providerError(`${address}: ${field} is not a list`)
  return value
}
