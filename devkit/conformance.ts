/**
 * What an adapter tells the conformance suite (test/conformance/) about itself, in
 * `adapters/<name>/test/conformance.ts` (exported as `conformance`): the one thing the suite
 * cannot find out alone. Everything else (required inputs, input types, the endpoints, the
 * README) the suite derives from the adapter's code.
 *
 * The suite puts a fault-injecting proxy (devkit/fault-proxy.ts) between the adapter and the
 * healthy provider the declaration starts, and points the adapter at the proxy through `env`.
 */
import type { PoRAddress } from '#common/por'

/** The healthy provider a declaration starts, and a request it answers. */
export interface ConformanceProvider {
  /** The provider's base URL: the suite's proxy forwards to it. */
  url: string
  /** A request (the `data` of a bridge request) that the provider can answer. */
  sample: Record<string, unknown>
  /**
   * The answer `sample` must give: the integer string `result` of a numeric adapter, the list
   * `data.result` of an address-list adapter.
   */
  expected: string | PoRAddress[]
  /**
   * A numeric adapter's request that the provider answers with a figure that cannot be true or
   * cannot be reported on-chain (more than can exist, beyond the int256 of an on-chain answer),
   * and that figure as the adapter's 502 must name it: as the provider sent it (refused by a
   * plausibility bound), or as the integer `result` would have been (beyond int256). Required of
   * a numeric adapter.
   */
  implausible?: { sample: Record<string, unknown>; value: string }
  /** Stops what the declaration started. */
  close?: () => Promise<void>
}

/** A list input with a limit: the suite sends one entry more than `limit` and wants a 400. */
export interface ConformanceList {
  /** The input holding the list. */
  field: string
  /** The most entries accepted: a number, or the setting that holds it. */
  limit: number | { setting: string }
  /** The list is a string of entries joined by this separator (`"london,zurich"`), not an array. */
  separator?: string
  /** The list's entry number `i` (they need not be distinct: the length is checked first). */
  entry: (i: number) => unknown
}

export interface ConformanceDeclaration {
  /**
   * The shape of the default endpoint's answer: `numeric` (a reserve or supply: `result` an
   * integer string, `data.result` the same, `data.decimals`) or `address-list` (Chainlink's
   * PoRAddressEndpoint: `result: null`, `data.result` a list of `{ address, network, chainId }`).
   */
  output: 'numeric' | 'address-list'
  /** Starts the healthy provider (or deploys on a local chain) and gives a sample request. */
  provider: () => Promise<ConformanceProvider>
  /**
   * The settings pointing the adapter at `providerUrl` (the suite's proxy), with `timeoutMs` as
   * its provider timeout and no retries, so that a failing provider fails fast.
   */
  env: (providerUrl: string, timeoutMs: number) => Record<string, string | undefined>
  /** The input giving the output's decimals, and the most it accepts. */
  decimals?: { field: string; max: number }
  /** A list input with a limit. */
  list?: ConformanceList
  /**
   * For an adapter reading several providers, each with its own cap: the `*_MAX_BODY_BYTES`
   * setting capping the provider the sample reads. Without it, the adapter has exactly one.
   */
  bodyCap?: string
}

/** Types a declaration (an identity function). */
export function defineConformance(declaration: ConformanceDeclaration): ConformanceDeclaration {
  return declaration
}
