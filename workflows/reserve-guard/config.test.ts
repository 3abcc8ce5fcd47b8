import { test } from '@chainlink/cre-sdk/test'
import { configIssues } from '../testing/config'
import { configSchema } from './config'
import { reportGasLimit } from './gas'

const VALID = {
  chainSelectorName: 'ethereum-testnet-sepolia',
  guardAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  gasLimit: '1500000',
  schedule: '0 */5 * * * *',
}

describe('reserve-guard config', () => {
  test('defaults: as many entries as the gas limit covers, latest block, no watched aggregators or tokens, LATEST logs', () => {
    expect(configSchema.parse(VALID)).toEqual({
      ...VALID,
      maxEntries: 2,
      gasPerEntry: '486666',
      readBlock: 'latest',
      watchedAggregators: [],
      watchedTokens: [],
      logConfidence: 'LATEST',
    })
  })

  test('the example config is refused until its placeholders are filled in, and only for them', async () => {
    const example = (await import('./config.example.json', { with: { type: 'json' } })).default
    expect(configIssues(configSchema, example)).toEqual([
      'guardAddress: must be a 0x-prefixed 20-byte hex address',
      'watchedAggregators.0: must be a 0x-prefixed 20-byte hex address',
      'watchedTokens.0: must be a 0x-prefixed 20-byte hex address',
    ])
    const filledIn = {
      ...example,
      guardAddress: VALID.guardAddress,
      watchedAggregators: [VALID.guardAddress],
      watchedTokens: [VALID.guardAddress],
    }
    expect(configIssues(configSchema, filledIn)).toEqual([])
  })

  test('each error names its field', () => {
    expect(configIssues(configSchema, { ...VALID, guardAddress: undefined })).toEqual([
      'guardAddress: Required',
    ])
    expect(configIssues(configSchema, { ...VALID, guardAddress: '0x1234' })).toEqual([
      'guardAddress: must be a 0x-prefixed 20-byte hex address',
    ])
    expect(configIssues(configSchema, { ...VALID, guardAddress: `0x${'0'.repeat(40)}` })).toEqual([
      'guardAddress: must not be the zero address',
    ])
    expect(configIssues(configSchema, { ...VALID, chainSelectorName: 'ethereum-mainnet-nowhere' })).toEqual([
      'chainSelectorName: is not a chain selector name the CRE EVM capability supports (see EVMClient.SUPPORTED_CHAIN_SELECTORS)',
    ])
    expect(configIssues(configSchema, { ...VALID, readBlock: 'safe' })).toHaveLength(1)
    expect(configIssues(configSchema, { ...VALID, readBlock: 'safe' })[0]).toMatch(/^readBlock: /)
    expect(configIssues(configSchema, { ...VALID, gasLimit: 1500000 })[0]).toMatch(/^gasLimit: /)
    expect(configIssues(configSchema, { ...VALID, gasLimit: '0' })).toEqual([
      'gasLimit: must be a positive decimal integer string, e.g. "1000000"',
    ])
    expect(configIssues(configSchema, { ...VALID, gasLimit: (1n << 64n).toString() })).toEqual([
      'gasLimit: must fit uint64',
    ])
    expect(configIssues(configSchema, { ...VALID, schedule: ' ' })).toEqual([
      'schedule: must be a cron expression, e.g. "0 */10 * * * *"',
    ])
    expect(
      configIssues(configSchema, { ...VALID, watchedAggregators: [VALID.guardAddress, 'nope'] }),
    ).toEqual(['watchedAggregators.1: must be a 0x-prefixed 20-byte hex address'])
    expect(configIssues(configSchema, { ...VALID, logConfidence: 'latest' })[0]).toMatch(/^logConfidence: /)
    expect(configIssues(configSchema, { ...VALID, gaslimit: '1' })[0]).toContain(
      "Unrecognized key(s) in object: 'gaslimit'",
    )
    // checkData is the workflow's own (abi.encode(maxEntries)), not a setting
    expect(configIssues(configSchema, { ...VALID, checkData: '0x' })[0]).toContain(
      "Unrecognized key(s) in object: 'checkData'",
    )
    expect(configIssues(configSchema, { ...VALID, maxEntries: 61 })[0]).toMatch(/^maxEntries: /)
    expect(configIssues(configSchema, { ...VALID, maxEntries: 0 })[0]).toMatch(/^maxEntries: /)
  })

  describe('the gas limit covers every entry a report may list (the guard reverts a report it cannot finish)', () => {
    test('one entry at least: 722,879 gas (the forwarder, then the guard with MIN_GAS_PER_ASSET left)', () => {
      expect(reportGasLimit(1)).toBe(722_879n)
      expect(configIssues(configSchema, { ...VALID, gasLimit: '722879' })).toEqual([])
      expect(configSchema.parse({ ...VALID, gasLimit: '722879' }).maxEntries).toBe(1)
      expect(configIssues(configSchema, { ...VALID, gasLimit: '722878' })).toEqual([
        "gasLimit: 722878 does not cover a report of 1 entry of up to 486666 gas each: the guard's onReport would revert at every delivery; it must be at least 722879",
      ])
    })

    test('maxEntries given: refused unless the gas limit covers that many', () => {
      expect(configSchema.parse({ ...VALID, maxEntries: 1 }).maxEntries).toBe(1)
      expect(configIssues(configSchema, { ...VALID, maxEntries: 3 })).toEqual([
        `gasLimit: 1500000 does not cover a report of 3 entries of up to 486666 gas each: the guard's onReport would revert at every delivery; it must be at least ${reportGasLimit(3)}, or maxEntries lower`,
      ])
      const gasLimit = reportGasLimit(3).toString()
      expect(configSchema.parse({ ...VALID, gasLimit, maxEntries: 3 }).maxEntries).toBe(3)
    })

    test('gasPerEntry: an asset with more pause gas needs more per entry, never less than MIN_GAS_PER_ASSET', () => {
      const heavy = { ...VALID, gasLimit: '900000', gasPerEntry: '700000' }
      expect(configIssues(configSchema, heavy)).toEqual([
        "gasLimit: 900000 does not cover a report of 1 entry of up to 700000 gas each: the guard's onReport would revert at every delivery; it must be at least " +
          reportGasLimit(1, 700_000n),
      ])
      expect(configSchema.parse({ ...heavy, gasLimit: '2000000' }).maxEntries).toBe(2)
      expect(configIssues(configSchema, { ...VALID, gasPerEntry: '486665' })).toEqual([
        "gasPerEntry: must be at least the guard's MIN_GAS_PER_ASSET (486666)",
      ])
    })

    test("the default never passes the guard's MAX_ENTRIES", () => {
      expect(configSchema.parse({ ...VALID, gasLimit: '100000000' }).maxEntries).toBe(60)
    })
  })
})
