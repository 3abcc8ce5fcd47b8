import { test } from '@chainlink/cre-sdk/test'
import { configIssues } from '../testing/config'
import { configSchema } from './config'

const VALID = {
  chainSelectorName: 'ethereum-testnet-sepolia',
  guardAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  gasLimit: '1500000',
  schedule: '0 */5 * * * *',
}

describe('reserve-guard config', () => {
  test('defaults: empty checkData, latest block, no watched aggregators or tokens, LATEST logs', () => {
    expect(configSchema.parse(VALID)).toEqual({
      ...VALID,
      checkData: '0x',
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
    expect(configIssues(configSchema, { ...VALID, checkData: '0xabc' })).toEqual([
      'checkData: must be 0x-prefixed hex of whole bytes ("0x" for none)',
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
  })
})
