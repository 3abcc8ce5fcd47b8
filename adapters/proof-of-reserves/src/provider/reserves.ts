/**
 * The reserve of a checked request ({@link ReservePlan}), read part by part through the code of
 * the standalone adapters, in process: por-address-list's for the lists, btc-balance's,
 * token-balance's, attestation's and gold-vault's for the balances and figures, and the
 * conversions' feeds on-chain. Every component is exact until the total is rounded down, once.
 *
 * {@link ReserveReader} is the composite's reserve computation for any endpoint that needs a
 * reserve (the proof-of-reserves endpoint answers its total; a Secure Mint budget compares it
 * with a supply): keep one per adapter, so the providers' clients, their caps and each request's
 * fair share hold across all of its requests.
 */
import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { formatUnits, parseDecimal } from '#common/decimal'
import {
  DetailedAdapterError,
  describeFailure,
  inputError,
  isFinalFailure,
  providerError,
} from '#common/errors'
import type { ChainBlock } from '#common/evm-calls'
import type { EvmRpcClientOptions } from '#common/evm-rpc'
import type { PoRAddress } from '#common/por'
import type { ProviderClient } from '#common/provider-client'
import { ATTESTATION } from '#adapters/attestation/src/config/index'
import { MAX_DECIMALS as MAX_ATTESTATION_DECIMALS } from '#adapters/attestation/src/endpoint/reserves-request'
import { readAttestation } from '#adapters/attestation/src/provider/reserves'
import { checkRequest as checkBitcoinRequest } from '#adapters/btc-balance/src/endpoint/balance-request'
import { BitcoinBalances } from '#adapters/btc-balance/src/provider/balance'
import { GOLD_VAULT } from '#adapters/gold-vault/src/config/index'
import { MAX_DECIMALS as MAX_VAULT_DECIMALS } from '#adapters/gold-vault/src/endpoint/inventory-request'
import { readInventory } from '#adapters/gold-vault/src/provider/inventory'
import { GRAMS_PER_TROY_OUNCE } from '#adapters/gold-vault/src/rules/weights'
import { readAddressList } from '#adapters/por-address-list/src/provider/address-list'
import { checkRequest as checkTokenRequest } from '#adapters/token-balance/src/endpoint/evm-request'
import { readBalances } from '#adapters/token-balance/src/provider/balances'
import type { ReserveSettings } from '../config'
import {
  withListWallets,
  type AddressListPlan,
  type BalanceProvider,
  type ComponentPlan,
  type ReservePlan,
  type SourcePlan,
} from '../endpoint/reserves-request'
import { ZERO, dividedBy, floorAt, fromScaled, plus, ratio, times, type Fraction } from '../rules/fraction'
import { readFeed, type FeedReading } from './feed'

/** One component of the answer: its part of the total, and the reading it comes from. */
export interface ComponentLine {
  name: string
  balanceSource: string
  provider: BalanceProvider
  /** The currency of the total, and the component's part of it × 10^decimals, rounded down. */
  currency: string
  totalBalance: string
  /** When converted: the currency it was read in, and its balance there × 10^decimals, rounded down. */
  originalCurrency?: string
  totalBalanceInOriginalCurrency?: string
  /** The addresses read (distinct), for a source that reads addresses. */
  addressCount?: number
  /** The address list read: its name and, for a PoRAddressList, its network and block. */
  addressList?: { name: string; network?: string; blockNumber?: number; blockTimestamp?: number }
  /** Bitcoin: the height the balances are taken at. */
  height?: number
  /** EVM: the block each chain was read at. */
  blocks?: ChainBlock[]
  /** An off-chain figure: when its provider says it was true, as it wrote it. */
  asOf?: string | null
}

/** A conversion's price, as read. */
export interface ConversionRate {
  from: string
  to: string
  /** The price of one `from` in `to`, exactly, as decimal text. */
  rate: string
  network: string
  address: string
  roundId: string
  /** When the feed's answer was written, in seconds since the epoch. */
  updatedAt: number
  blockNumber: number
  blockTimestamp: number
}

export interface ReserveFigures {
  /** The total × 10^decimals, rounded down once from the exact sum. */
  result: string
  decimals: number
  currency: string
  components: ComponentLine[]
  conversionRates: ConversionRate[]
}

/** A reserve read: the answer, the exact total, and when its oldest dated part was true. */
export interface ReserveReading {
  figures: ReserveFigures
  /** The total in {@link ReserveFigures.currency}, exactly. */
  total: Fraction
  /** The oldest time a part of the reserve was true (a block, an attestation, a bar list), in ms. */
  oldestMs?: number
}

/** What one balance source read for one component, in the component's own currency. */
interface SourceReading {
  amount: Fraction
  line: Pick<ComponentLine, 'addressCount' | 'height' | 'blocks' | 'asOf'>
  /** Times its figures were true, in ms. */
  times: number[]
}

/** An address list as read. */
interface ListReading {
  addresses: PoRAddress[]
  line: NonNullable<ComponentLine['addressList']>
  /** Whether the addresses come from the request (a fixed list) or a provider (a contract). */
  fromProvider: boolean
  times: number[]
}

export class ReserveReader {
  private readonly bitcoin = new BitcoinBalances()
  private attestationClient?: ProviderClient
  private vaultClient?: ProviderClient

  /**
   * `onRipcord(client)` is told when an auditor raises the ripcord of `client`: the reserve is
   * then an error withdrawing its last figure, and so is every other reading that client's.
   */
  constructor(private readonly onRipcord?: (client: string) => void) {}

  /**
   * Reads every part of `plan`: each address list once, each conversion's feed once, every
   * component in parallel. Any part that cannot be read fully fails the whole reserve (a 502
   * naming each component that failed, a ripcord's 503): a component is never summed as zero.
   */
  async read(
    plan: ReservePlan,
    settings: ReserveSettings,
    env: NodeJS.ProcessEnv = process.env,
  ): Promise<ReserveReading> {
    const rpc: EvmRpcClientOptions = {
      timeoutMs: settings.RPC_TIMEOUT_MS,
      maxBodyBytes: settings.RPC_MAX_BODY_BYTES,
    }
    // Started once each, awaited by every component that needs them (a rejection is handled there).
    const lists = plan.addressLists.map((list) => settled(this.readList(list, settings, rpc)))
    const feeds = plan.conversions.map((conversion) => settled(readFeed(conversion, rpc)))
    const outcomes = await Promise.allSettled(
      plan.components.map(async (component) => {
        const list = component.addressList === undefined ? undefined : await lists[component.addressList]
        const source = plan.sources[component.source]
        const reading = await this.readSource(source, list, settings, rpc, env)
        let amount = reading.amount
        for (const step of component.steps) {
          const { rate } = await feeds[step.conversion]
          amount = step.inverse ? dividedBy(amount, fromScaled(rate)) : times(amount, fromScaled(rate))
        }
        return { component, source, list, reading, amount }
      }),
    )
    const failed = outcomes.flatMap((outcome, i) =>
      outcome.status === 'rejected'
        ? [{ name: plan.components[i].name, error: outcome.reason as unknown }]
        : [],
    )
    if (failed.length > 0) throw componentsFailed(failed)
    const read = outcomes.map((outcome) => (outcome as PromiseFulfilledResult<ComponentRead>).value)
    const rates = await Promise.all(feeds)
    return assemble(plan, read, rates)
  }

  private async readList(
    list: AddressListPlan,
    settings: ReserveSettings,
    rpc: EvmRpcClientOptions,
  ): Promise<ListReading> {
    if (list.kind === 'fixed') {
      return { addresses: list.addresses, line: { name: list.name }, fromProvider: false, times: [] }
    }
    const read = await readAddressList(list.request, { ...rpc, maxAddresses: settings.MAX_ADDRESSES })
    const { network } = list.request.settings
    if (read.addresses.length === 0) {
      throw providerError(
        `address list "${list.name}" (${network}: ${list.request.contractAddress} at block ${read.blockNumber}) holds no address: no reserve is read from no address`,
      )
    }
    return {
      addresses: read.addresses,
      line: { name: list.name, network, blockNumber: read.blockNumber, blockTimestamp: read.blockTimestamp },
      fromProvider: true,
      times: [read.blockTimestamp * 1000],
    }
  }

  private async readSource(
    source: SourcePlan,
    list: ListReading | undefined,
    settings: ReserveSettings,
    rpc: EvmRpcClientOptions,
    env: NodeJS.ProcessEnv,
  ): Promise<SourceReading> {
    switch (source.provider) {
      case 'btc-balance': {
        const request = fromList(list!, () =>
          checkBitcoinRequest(
            { addresses: list!.addresses, minConfirmations: source.minConfirmations },
            settings,
          ),
        )
        const figures = await this.bitcoin.read(request, settings)
        return {
          amount: fromScaled({ units: BigInt(figures.result), decimals: figures.decimals }),
          line: { addressCount: figures.addressCount, height: figures.height },
          times: [],
        }
      }
      case 'token-balance': {
        const { addresses, confirmations } = source.params
        const withWallets = list
          ? fromList(list, () => withListWallets(addresses, list.addresses, env))
          : addresses
        const request = fromList(list, () =>
          checkTokenRequest(
            { addresses: withWallets, confirmations, resultDecimals: 0 },
            settings.MAX_WALLETS,
            env,
          ),
        )
        const figures = await readBalances(request, rpc)
        return {
          amount: figures.wallets.reduce(
            (sum, w) => plus(sum, fromScaled({ units: BigInt(w.balance), decimals: w.decimals })),
            ZERO,
          ),
          line: { addressCount: request.walletCount, blocks: figures.chains },
          times: figures.chains.map((chain) => chain.blockTimestamp * 1000),
        }
      }
      case 'attestation': {
        this.attestationClient ??= ATTESTATION.client(settings, 'ATTESTATION_API_URL')
        const { data, attestedAtMs } = await readAttestation(
          { ...source.params, decimals: MAX_ATTESTATION_DECIMALS },
          settings,
          this.attestationClient,
          () => this.onRipcord?.(source.params.client),
        )
        // The figure as the auditor wrote it: exact, whatever its decimals.
        return {
          amount: fromScaled(parseDecimal(data.figure)),
          line: { asOf: data.attestedAt },
          times: [attestedAtMs],
        }
      }
      case 'gold-vault': {
        this.vaultClient ??= GOLD_VAULT.client(settings, 'GOLD_VAULT_API_URL')
        const { data, grams, asOfMs } = await readInventory(
          { ...source.params, decimals: MAX_VAULT_DECIMALS },
          settings,
          this.vaultClient,
        )
        return {
          amount: ratio(grams, GRAMS_PER_TROY_OUNCE),
          line: { asOf: data.asOf },
          times: asOfMs === undefined ? [] : [asOfMs],
        }
      }
    }
  }
}

interface ComponentRead {
  component: ComponentPlan
  source: SourcePlan
  list?: ListReading
  reading: SourceReading
  /** In the total's currency, exactly. */
  amount: Fraction
}

/** `promise`, its rejection marked handled: it is awaited (and its failure reported) by whoever needs it. */
function settled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined)
  return promise
}

/**
 * Runs a source's own check of addresses that come from `list`: for a list a provider published
 * (a contract), a 400 there is the provider's state, not the caller's fault, and becomes a 502
 * naming the list.
 */
function fromList<T>(list: ListReading | undefined, check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (list?.fromProvider && error instanceof AdapterError && error.statusCode === 400) {
      const { name, network, blockNumber } = list.line
      throw providerError(`address list "${name}" (${network} at block ${blockNumber}): ${error.message}`)
    }
    throw error
  }
}

/**
 * The error of a reserve whose components failed, naming each: a ripcord's status (503) when an
 * auditor raised one, withdrawing the last figure served too; else a 502, carrying the
 * provider's 4xx when every failure was one (an answer, not retried before the next refresh).
 */
function componentsFailed(failed: { name: string; error: unknown }[]): Error {
  const message = `reserve not reported, components unread: ${failed
    .map(({ name, error }) => `${name}: ${describeFailure(error).message}`)
    .join('; ')}`
  const withdrawing = failed.find(
    ({ error }) => error instanceof DetailedAdapterError && error.replacesCachedResult,
  )?.error as DetailedAdapterError | undefined
  if (withdrawing) {
    return new DetailedAdapterError({
      statusCode: withdrawing.statusCode,
      message,
      details: withdrawing.details,
      replacesCachedResult: true,
    })
  }
  // The request's own fault, found only once its addresses were in hand.
  if (failed.every(({ error }) => error instanceof AdapterError && error.statusCode === 400)) {
    return inputError(message)
  }
  const refused = failed.every(({ error }) => isFinalFailure(error))
  return providerError(
    message,
    502,
    refused ? (failed[0].error as { providerStatusCode?: number }).providerStatusCode : undefined,
  )
}

function assemble(plan: ReservePlan, read: ComponentRead[], feeds: FeedReading[]): ReserveReading {
  const decimals = plan.resultDecimals
  const total = read.reduce((sum, part) => plus(sum, part.amount), ZERO)
  const components = read.map(({ component, source, list, reading, amount }): ComponentLine => ({
    name: component.name,
    balanceSource: source.name,
    provider: source.provider,
    currency: component.finalCurrency,
    totalBalance: floorAt(amount, decimals).toString(),
    ...(component.steps.length > 0
      ? {
          originalCurrency: component.currency,
          totalBalanceInOriginalCurrency: floorAt(reading.amount, decimals).toString(),
        }
      : {}),
    ...(list ? { addressList: list.line } : {}),
    ...reading.line,
  }))
  const times = [
    ...read.flatMap((part) => [...part.reading.times, ...(part.list?.times ?? [])]),
    ...feeds.map((feed) => feed.block.blockTimestamp * 1000),
  ]
  return {
    figures: {
      result: floorAt(total, decimals).toString(),
      decimals,
      currency: plan.currency,
      components,
      conversionRates: feeds.map((feed) => ({
        from: feed.from,
        to: feed.to,
        rate: formatUnits(feed.rate.units, feed.rate.decimals),
        network: feed.block.network,
        address: feed.address,
        roundId: feed.roundId,
        updatedAt: feed.updatedAt,
        blockNumber: feed.block.blockNumber,
        blockTimestamp: feed.block.blockTimestamp,
      })),
    },
    total,
    oldestMs: times.length > 0 ? Math.min(...times) : undefined,
  }
}
