import { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import { inputError } from '#common/errors'
import { checkEvmAddress } from '#common/evm-address'
import { evmSettingNames, resolveEvmNetwork, type EvmNetworkSettings } from '#common/evm-rpc'
import { quoteInput } from '#common/input'
import type { PoRAddress } from '#common/por'
import { parseUrlList } from '#common/provider-client'
import { inputParameters as attestationInputs } from '#adapters/attestation/src/endpoint/reserves'
import {
  MAX_DECIMALS as MAX_ATTESTATION_DECIMALS,
  canonicalRequest as canonicalAttestation,
} from '#adapters/attestation/src/endpoint/reserves-request'
import { ESPLORA_URL_SETTING } from '#adapters/btc-balance/src/config/index'
import {
  checkMinConfirmations,
  checkRequest as checkBitcoinRequest,
} from '#adapters/btc-balance/src/endpoint/balance-request'
import { isBitcoinChainId } from '#adapters/btc-balance/src/rules/address'
import { inputParameters as vaultInputs } from '#adapters/gold-vault/src/endpoint/inventory'
import {
  MAX_DECIMALS as MAX_VAULT_DECIMALS,
  canonicalRequest as canonicalVault,
} from '#adapters/gold-vault/src/endpoint/inventory-request'
import { inputParameters as addressListInputs } from '#adapters/por-address-list/src/endpoint/address'
import {
  checkRequest as checkAddressListRequest,
  type AddressListRequest,
} from '#adapters/por-address-list/src/endpoint/address-request'
import type { EvmRequestParams } from '#adapters/token-balance/src/endpoint/evm'
import { checkRequest as checkTokenRequest } from '#adapters/token-balance/src/endpoint/evm-request'
import type { ReserveSettings } from '../config'
import { checkCurrency, conversionPath, type ConversionStep } from '../rules/conversions'
import type { ReservesRequestParams } from './reserves'

/** The adapters whose code reads a balance source. */
export const BALANCE_PROVIDERS = ['btc-balance', 'token-balance', 'attestation', 'gold-vault'] as const
export type BalanceProvider = (typeof BALANCE_PROVIDERS)[number]

/** The address-list providers. */
export const ADDRESS_LIST_PROVIDERS = ['por-address-list'] as const

/** `resultDecimals` accepted. */
export const MAX_RESULT_DECIMALS = 36

/** The inputs of `params` each provider takes. */
const PROVIDER_PARAMS = {
  'btc-balance': ['minConfirmations'],
  'token-balance': ['addresses', 'confirmations'],
  attestation: ['client', 'field', 'chain', 'maxAgeSeconds'],
  'gold-vault': ['vault', 'format'],
} as const satisfies Record<BalanceProvider, readonly string[]>

/** Providers that read the addresses of an address list, and those that never do. */
const READS_ADDRESSES: Record<BalanceProvider, boolean> = {
  'btc-balance': true,
  'token-balance': true,
  attestation: false,
  'gold-vault': false,
}

type SourceEntry = ReservesRequestParams['balanceSources'][number]
type ListEntry = ReservesRequestParams['addressLists'][number]
/** A source's inputs beside its name and provider. */
type SourceInputs = Omit<SourceEntry, 'name' | 'provider'>

/** The inputs of an address list that are por-address-list's. */
const ADDRESS_LIST_PARAMS = Object.keys(addressListInputs.definition)

/** The entries of `record` named in `keys` that are given (not undefined, not an empty list). */
function givenInputs(record: object, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(record).filter(
      ([key, value]) =>
        keys.includes(key) && value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  )
}
type AttestationParams = typeof attestationInputs.validated
type VaultParams = typeof vaultInputs.validated

/** An address list to read: a PoRAddressList contract (por-address-list's checked request), or fixed. */
export type AddressListPlan =
  | { name: string; kind: 'contract'; request: AddressListRequest }
  | { name: string; kind: 'fixed'; addresses: PoRAddress[] }

/** A balance source, its request checked and in canonical form by its adapter's own code. */
export type SourcePlan =
  | { name: string; provider: 'btc-balance'; minConfirmations: number }
  | { name: string; provider: 'token-balance'; params: EvmRequestParams }
  | { name: string; provider: 'attestation'; params: AttestationParams }
  | { name: string; provider: 'gold-vault'; params: VaultParams }

export interface ComponentPlan {
  name: string
  /** The unit its source answers in, and the one it ends in after its conversions. */
  currency: string
  finalCurrency: string
  /** The address list its source reads, by position in {@link ReservePlan.addressLists}. */
  addressList?: number
  /** Its balance source, by position in {@link ReservePlan.sources}. */
  source: number
  steps: ConversionStep[]
}

/** A conversion: the price of one `from` in `to`, from a Chainlink feed on an EVM network. */
export interface ConversionPlan {
  from: string
  to: string
  settings: EvmNetworkSettings
  address: string
  maxAgeSeconds: number
  confirmations: number
}

/** A checked request: what to read, and how the parts add up. */
export interface ReservePlan {
  addressLists: AddressListPlan[]
  sources: SourcePlan[]
  components: ComponentPlan[]
  conversions: ConversionPlan[]
  /** The currency of the total: every component's after its conversions. */
  currency: string
  resultDecimals: number
  /**
   * The request in canonical form: each provider's `params` as its own adapter makes them
   * canonical (defaults filled in, names lower-cased, addresses checksummed), currencies and
   * providers in one case, names as sent.
   */
  inputs: ReservesRequestParams
}

/** A label: letters (any script), digits, spaces and punctuation, at most 64 characters. */
const NAME = /^[\p{L}\p{N}\p{P}\p{S} ]{1,64}$/u

function checkLabel(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value) || value.trim() === '') {
    throw inputError(`${field}: ${quoteInput(value)} is not a name (1 to 64 printable characters)`)
  }
  return value
}

/** Runs an adapter's own check of a part of the request, naming the part in its 400s. */
function within<T>(field: string, check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof AdapterError && error.statusCode === 400) {
      throw inputError(`${field}: ${error.message}`)
    }
    throw error
  }
}

/** The entries of `list` in a field of at most `max`, with a 400 naming the field and the setting beyond. */
function bounded<T>(list: T[] | undefined, field: string, max: number): T[] {
  const entries = list ?? []
  if (entries.length > max) {
    throw inputError(`${field}: ${entries.length} entries, more than MAX_COMPONENTS (${max})`)
  }
  return entries
}

/** The position of each name in `names`, refusing one given twice. */
function indexByName(names: string[], field: string): Map<string, number> {
  const index = new Map<string, number>()
  names.forEach((name, i) => {
    if (index.has(name)) throw inputError(`${field}[${i}].name: "${name}" is given twice`)
    index.set(name, i)
  })
  return index
}

/**
 * Checks a request against the settings without reading anything: every failure is a 400 naming
 * the field (or a 500 naming a malformed setting). Each provider's part is checked by that
 * adapter's own code. Used by the endpoint's customInputValidation and again by the transport.
 */
export function checkRequest(
  params: ReservesRequestParams,
  settings: ReserveSettings,
  env: NodeJS.ProcessEnv = process.env,
): ReservePlan {
  const max = settings.MAX_COMPONENTS
  const componentInputs = bounded(params.components, 'components', max)
  if (componentInputs.length === 0) throw inputError('components: list at least one component')
  const listInputs = bounded(params.addressLists, 'addressLists', max)
  const sourceInputs = bounded(params.balanceSources, 'balanceSources', max)
  const conversionInputs = bounded(params.conversions, 'conversions', max)

  const listNames = listInputs.map((list, i) => checkLabel(list?.name, `addressLists[${i}].name`))
  const sourceNames = sourceInputs.map((source, i) => checkLabel(source?.name, `balanceSources[${i}].name`))
  const listIndex = indexByName(listNames, 'addressLists')
  const sourceIndex = indexByName(sourceNames, 'balanceSources')

  const addressLists = listInputs.map((list, i) => checkAddressList(list, listNames[i], i, settings, env))
  const providers = sourceInputs.map((source, i) => checkProvider(source?.provider, i))

  // Which list each component reads, and which lists each source reads.
  const conversionPairs = conversionInputs.map((conversion, i) => ({
    from: checkCurrency(conversion?.from, `conversions[${i}].from`),
    to: checkCurrency(conversion?.to, `conversions[${i}].to`),
  }))
  conversionPairs.forEach((pair, i) => {
    if (pair.from === pair.to) throw inputError(`conversions[${i}]: converts ${pair.from} to itself`)
    const first = conversionPairs.findIndex(
      (other) =>
        (other.from === pair.from && other.to === pair.to) ||
        (other.from === pair.to && other.to === pair.from),
    )
    if (first < i) {
      throw inputError(
        `conversions[${i}]: ${pair.from}/${pair.to} is declared already, in conversions[${first}]`,
      )
    }
  })
  const components = componentInputs.map((component, i): ComponentPlan => {
    const at = `components[${i}]`
    const name = checkLabel(component?.name, `${at}.name`)
    const currency = checkCurrency(component?.currency, `${at}.currency`)
    const source = sourceIndex.get(component?.balanceSource as string)
    if (source === undefined) {
      throw inputError(
        `${at}.balanceSource: ${quoteInput(component?.balanceSource)} is not a balance source's name`,
      )
    }
    let addressList: number | undefined
    if (component.addressList !== undefined) {
      addressList = listIndex.get(component.addressList)
      if (addressList === undefined) {
        throw inputError(
          `${at}.addressList: ${quoteInput(component.addressList)} is not an address list's name`,
        )
      }
      if (!READS_ADDRESSES[providers[source]]) {
        throw inputError(`${at}.addressList: ${providers[source]} reads no addresses: leave it out`)
      }
    } else if (providers[source] === 'btc-balance') {
      throw inputError(
        `${at}.addressList: a btc-balance source reads the addresses of an address list: name one`,
      )
    }
    const path = conversionPath(currency, component.conversions ?? [], conversionPairs, `${at}.conversions`)
    return { name, currency, finalCurrency: path.currency, addressList, source, steps: path.steps }
  })
  indexByName(
    components.map((c) => c.name),
    'components',
  )
  const currency = components[0].finalCurrency
  components.forEach((component, i) => {
    if (component.finalCurrency !== currency) {
      throw inputError(
        `components[${i}]: in ${component.finalCurrency} after its conversions, where components[0] is in ${currency}: the total is in one currency`,
      )
    }
  })
  listNames.forEach((name, i) => {
    if (!components.some((c) => c.addressList === i))
      throw inputError(`addressLists[${i}]: "${name}" is not used by any component`)
  })
  sourceNames.forEach((name, i) => {
    if (!components.some((c) => c.source === i))
      throw inputError(`balanceSources[${i}]: "${name}" is not used by any component`)
  })
  conversionPairs.forEach((pair, i) => {
    if (!components.some((c) => c.steps.some((step) => step.conversion === i))) {
      throw inputError(`conversions[${i}]: ${pair.from}/${pair.to} is not used by any component`)
    }
  })

  const sources = sourceInputs.map((source, i) =>
    checkSource(
      source,
      sourceNames[i],
      providers[i],
      components
        .filter((c) => c.source === i)
        .map((c) => (c.addressList === undefined ? undefined : addressLists[c.addressList])),
      i,
      settings,
      env,
    ),
  )
  const conversions = conversionInputs.map((conversion, i) =>
    checkConversion(conversion, conversionPairs[i], i, settings, env),
  )

  const { resultDecimals } = params
  if (!Number.isSafeInteger(resultDecimals) || resultDecimals < 0 || resultDecimals > MAX_RESULT_DECIMALS) {
    throw inputError(
      `resultDecimals: must be an integer from 0 to ${MAX_RESULT_DECIMALS}, got ${quoteInput(resultDecimals)}`,
    )
  }

  return {
    addressLists,
    sources,
    components,
    conversions,
    currency,
    resultDecimals,
    inputs: {
      addressLists: addressLists.map((list) =>
        list.kind === 'contract'
          ? { name: list.name, provider: 'por-address-list', ...list.request.inputs }
          : { name: list.name, fixed: list.addresses },
      ) as ReservesRequestParams['addressLists'],
      balanceSources: sources.map(
        (source) => ({ name: source.name, provider: source.provider, ...ownInputs(source) }) as SourceEntry,
      ),
      components: components.map((c) => ({
        name: c.name,
        currency: c.currency,
        ...(c.addressList !== undefined ? { addressList: listNames[c.addressList] } : {}),
        balanceSource: sourceNames[c.source],
        conversions: c.steps.map((step) => {
          const pair = conversionPairs[step.conversion]
          return step.inverse ? `${pair.to}/${pair.from}` : `${pair.from}/${pair.to}`
        }),
      })),
      conversions: conversions.map((conversion) => ({
        from: conversion.from,
        to: conversion.to,
        network: conversion.settings.network,
        address: conversion.address,
        maxAgeSeconds: conversion.maxAgeSeconds,
        confirmations: conversion.confirmations,
      })),
      resultDecimals,
    },
  }
}

/** A source's canonical `params`: the inputs of its provider the composite takes, nothing else. */
function ownInputs(source: SourcePlan): SourceInputs {
  const params: Record<string, unknown> =
    source.provider === 'btc-balance' ? { minConfirmations: source.minConfirmations } : source.params
  const own: readonly string[] = PROVIDER_PARAMS[source.provider]
  return Object.fromEntries(Object.entries(params).filter(([key]) => own.includes(key))) as SourceInputs
}

function checkProvider(value: unknown, i: number): BalanceProvider {
  const provider = typeof value === 'string' ? value.toLowerCase() : value
  if (!(BALANCE_PROVIDERS as readonly unknown[]).includes(provider)) {
    throw inputError(
      `balanceSources[${i}].provider: ${quoteInput(value)} is not one of ${BALANCE_PROVIDERS.join(', ')}`,
    )
  }
  return provider as BalanceProvider
}

function checkAddressList(
  list: ListEntry,
  name: string,
  i: number,
  settings: ReserveSettings,
  env: NodeJS.ProcessEnv,
): AddressListPlan {
  const at = `addressLists[${i}]`
  const fixed = list.fixed ?? []
  const params = givenInputs(list, ADDRESS_LIST_PARAMS)
  const hasProvider = list.provider !== undefined || Object.keys(params).length > 0
  if (hasProvider === fixed.length > 0) {
    throw inputError(`${at}: give either a provider and its inputs, or a fixed list (not both)`)
  }
  if (fixed.length > 0) {
    if (fixed.length > settings.MAX_ADDRESSES) {
      throw inputError(
        `${at}.fixed: ${fixed.length} addresses, more than MAX_ADDRESSES (${settings.MAX_ADDRESSES})`,
      )
    }
    return {
      name,
      kind: 'fixed',
      addresses: fixed.map((entry, j) => ({
        address: entry.address,
        network: checkLabel(entry.network, `${at}.fixed[${j}].network`).toLowerCase(),
        chainId: checkLabel(entry.chainId, `${at}.fixed[${j}].chainId`).toLowerCase(),
      })),
    }
  }
  const provider = typeof list.provider === 'string' ? list.provider.toLowerCase() : list.provider
  if (!(ADDRESS_LIST_PROVIDERS as readonly unknown[]).includes(provider)) {
    throw inputError(
      `${at}.provider: ${quoteInput(list.provider)} is not one of ${ADDRESS_LIST_PROVIDERS.join(', ')}`,
    )
  }
  const request = within(at, () =>
    checkAddressListRequest(
      addressListInputs.validateInput(params) as typeof addressListInputs.validated,
      { maxAddresses: settings.MAX_ADDRESSES, maxBatchSize: settings.MAX_BATCH_SIZE },
      env,
    ),
  )
  return { name, kind: 'contract', request }
}

/** A placeholder wallet for a token-balance entry whose wallets come from an address list. */
const LIST_WALLETS = '0x0000000000000000000000000000000000000001'

function checkSource(
  entry: SourceEntry,
  name: string,
  provider: BalanceProvider,
  lists: (AddressListPlan | undefined)[],
  i: number,
  settings: ReserveSettings,
  env: NodeJS.ProcessEnv,
): SourcePlan {
  const at = `balanceSources[${i}]`
  const own: readonly string[] = PROVIDER_PARAMS[provider]
  const inputs = givenInputs(
    entry,
    Object.keys(entry).filter((key) => key !== 'name' && key !== 'provider'),
  )
  for (const key of Object.keys(inputs)) {
    if (!own.includes(key)) {
      throw inputError(`${at}.${key}: not an input of ${provider} (it takes ${own.join(', ')})`)
    }
  }
  switch (provider) {
    case 'btc-balance': {
      const minConfirmations = (inputs.minConfirmations ?? 6) as number
      within(at, () => checkMinConfirmations(minConfirmations))
      for (const list of lists) checkBitcoinList(list!, minConfirmations, settings, at)
      return { name, provider, minConfirmations }
    }
    case 'token-balance': {
      const entries = (inputs.addresses ?? []) as EvmRequestParams['addresses']
      const confirmations = (inputs.confirmations ?? 0) as number
      const fromLists = entries.some((entry) => (entry.wallets ?? []).length === 0)
      if (fromLists && lists.some((list) => list === undefined)) {
        throw inputError(
          `${at}.addresses: an entry without wallets takes them from the component's address list, and a component reads this source without one`,
        )
      }
      const check = (withWallets: EvmRequestParams['addresses'], where: string) =>
        within(where, () =>
          checkTokenRequest(
            { addresses: withWallets, confirmations, resultDecimals: 0 },
            settings.MAX_WALLETS,
            env,
          ),
        )
      // A fixed list is checked whole; a contract's by its stamp, each entry given a stand-in wallet.
      for (const list of fromLists ? lists : []) {
        const where = `${at} (addressList "${list!.name}")`
        const stamped =
          list!.kind === 'fixed'
            ? list!.addresses
            : [{ address: LIST_WALLETS, network: list!.request.network, chainId: list!.request.chainId }]
        check(
          within(where, () => withListWallets(entries, stamped, env)),
          where,
        )
      }
      const checked = check(
        entries.map((entry) => ({
          ...entry,
          wallets: (entry.wallets ?? []).length === 0 ? [LIST_WALLETS] : entry.wallets,
        })),
        at,
      )
      const canonical = {
        ...checked.inputs,
        addresses: checked.inputs.addresses.map((entry, j) =>
          (entries[j].wallets ?? []).length === 0 ? { ...entry, wallets: [] } : entry,
        ),
      }
      return { name, provider, params: canonical }
    }
    case 'attestation': {
      if (parseUrlList(settings.ATTESTATION_API_URL).length === 0) {
        throw inputError(
          `balanceSources[${i}].provider: attestation needs ATTESTATION_API_URL, which is not set`,
        )
      }
      const checked = within(at, () =>
        canonicalAttestation(
          attestationInputs.validateInput({
            ...inputs,
            decimals: MAX_ATTESTATION_DECIMALS,
          }) as AttestationParams,
          settings,
        ),
      )
      return { name, provider, params: checked }
    }
    case 'gold-vault': {
      if (parseUrlList(settings.GOLD_VAULT_API_URL).length === 0) {
        throw inputError(
          `balanceSources[${i}].provider: gold-vault needs GOLD_VAULT_API_URL, which is not set`,
        )
      }
      const checked = within(at, () =>
        canonicalVault(vaultInputs.validateInput({ ...inputs, decimals: MAX_VAULT_DECIMALS }) as VaultParams),
      )
      return { name, provider, params: checked }
    }
  }
}

/**
 * What can be judged of a btc-balance source's addresses before they are read: a fixed list
 * whole (btc-balance's own check); a contract's list by its stamp, a bitcoin chain whose Esplora
 * URL is set.
 */
function checkBitcoinList(
  list: AddressListPlan,
  minConfirmations: number,
  settings: ReserveSettings,
  at: string,
): void {
  if (list.kind === 'fixed') {
    within(`${at} (addressList "${list.name}")`, () =>
      checkBitcoinRequest({ addresses: list.addresses, minConfirmations }, settings),
    )
    return
  }
  const { network, chainId } = list.request
  if (network !== 'bitcoin' || !isBitcoinChainId(chainId)) {
    throw inputError(
      `${at}: address list "${list.name}" stamps its addresses ${network}/${chainId}, not a bitcoin chain (mainnet, testnet, signet, regtest)`,
    )
  }
  const setting = ESPLORA_URL_SETTING[chainId]
  if (parseUrlList(settings[setting]).length === 0) {
    throw inputError(`${at}: address list "${list.name}" is on bitcoin ${chainId}, but ${setting} is not set`)
  }
}

function checkConversion(
  conversion: ReservesRequestParams['conversions'][number],
  pair: { from: string; to: string },
  i: number,
  settings: ReserveSettings,
  env: NodeJS.ProcessEnv,
): ConversionPlan {
  const at = `conversions[${i}]`
  const network = resolveEvmNetwork(conversion.network, `${at}.network`, env)
  const address = checkEvmAddress(conversion.address, `${at}.address`)
  const ceiling = settings.FEED_MAX_AGE_SECONDS
  const maxAgeSeconds = conversion.maxAgeSeconds ?? ceiling
  if (!Number.isSafeInteger(maxAgeSeconds) || maxAgeSeconds < 1 || maxAgeSeconds > ceiling) {
    throw inputError(
      `${at}.maxAgeSeconds: must be a whole number of seconds from 1 to FEED_MAX_AGE_SECONDS (${ceiling}), got ${quoteInput(maxAgeSeconds)}`,
    )
  }
  const confirmations = conversion.confirmations ?? 0
  if (!Number.isSafeInteger(confirmations) || confirmations < 0) {
    throw inputError(`${at}.confirmations: must be a non-negative integer, got ${quoteInput(confirmations)}`)
  }
  return { ...pair, settings: network, address, maxAgeSeconds, confirmations }
}

/** The request in canonical form ({@link ReservePlan.inputs}); a 400 when it is refused. */
export const canonicalRequest = (
  params: ReservesRequestParams,
  settings: ReserveSettings,
): ReservesRequestParams => checkRequest(params, settings).inputs

/** The network name a token-balance entry and an address's stamp share: the setting they map to. */
const networkKey = (network: string): string => evmSettingNames(network).url

/**
 * A token-balance source's entries, those without wallets given the addresses of an address
 * list: each address to the wallet-less entries of its network (its `network` stamp, compared as
 * the settings name it), its `chainId` stamp that network's chain id. A 400 for an address no such
 * entry reads, a chain id that is not the network's, or a wallet-less entry the list gives nothing.
 */
export function withListWallets(
  entries: EvmRequestParams['addresses'],
  addresses: PoRAddress[],
  env: NodeJS.ProcessEnv = process.env,
): EvmRequestParams['addresses'] {
  const open = entries.map((entry) => (entry.wallets ?? []).length === 0)
  const wallets = entries.map((entry) => [...(entry.wallets ?? [])])
  addresses.forEach((address, k) => {
    const readers = entries.flatMap((entry, j) =>
      open[j] && networkKey(entry.network) === networkKey(address.network) ? [j] : [],
    )
    if (readers.length === 0) {
      throw inputError(
        `the list's address ${k} (${quoteInput(address.address)}) is on network ${quoteInput(address.network)}, which no entry without wallets reads`,
      )
    }
    const settings = resolveEvmNetwork(entries[readers[0]].network, `addresses[${readers[0]}].network`, env)
    if (address.chainId !== settings.chainId.toString()) {
      throw inputError(
        `the list's address ${k} (${quoteInput(address.address)}) is stamped chainId ${quoteInput(address.chainId)}, not the chain id of network "${settings.network}" (${settings.chainId})`,
      )
    }
    for (const j of readers) wallets[j].push(address.address)
  })
  const empty = wallets.findIndex((list) => list.length === 0)
  if (empty >= 0) {
    throw inputError(
      `addresses[${empty}]: has no wallets, and the list gives it none (no address on its network)`,
    )
  }
  return entries.map((entry, j) => ({ ...entry, wallets: wallets[j] }))
}
