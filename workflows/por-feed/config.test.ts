import { test } from '@chainlink/cre-sdk/test'
import { configIssues } from '../testing/config'
import { configSchema } from './config'

const VALID = {
  schedule: '0 */10 * * * *',
  adapterUrl: 'http://btc-balance.internal:8080/',
  adapterRequest: { data: { endpoint: 'balance', addresses: [] } },
  decimals: 8,
  chainSelectorName: 'ethereum-testnet-sepolia',
  receiverAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  gasLimit: '500000',
}

describe('por-feed config', () => {
  test('a valid config parses unchanged', () => {
    expect(configSchema.parse(VALID)).toEqual(VALID)
    expect(configSchema.parse({ ...VALID, timeoutSeconds: 30 }).timeoutSeconds).toBe(30)
  })

  test('the example config is refused until its placeholders are filled in, and only for them', async () => {
    const example = (await import('./config.example.json', { with: { type: 'json' } })).default
    expect(configIssues(configSchema, example)).toEqual([
      'adapterUrl: must be an http(s) URL',
      'receiverAddress: must be a 0x-prefixed 20-byte hex address',
    ])
    const filledIn = { ...example, adapterUrl: VALID.adapterUrl, receiverAddress: VALID.receiverAddress }
    expect(configIssues(configSchema, filledIn)).toEqual([])
  })

  test('each error names its field', () => {
    expect(configIssues(configSchema, { ...VALID, adapterUrl: 'ftp://adapter/' })).toEqual([
      'adapterUrl: must be an http(s) URL',
    ])
    expect(configIssues(configSchema, { ...VALID, adapterRequest: { endpoint: 'balance' } })).toEqual([
      'adapterRequest.data: Required',
      "adapterRequest: Unrecognized key(s) in object: 'endpoint'",
    ])
    expect(configIssues(configSchema, { ...VALID, adapterRequest: { data: [] } })[0]).toMatch(
      /^adapterRequest\.data: /,
    )
    expect(configIssues(configSchema, { ...VALID, decimals: 256 })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: 8.5 })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: '8' })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: undefined })).toEqual(['decimals: Required'])
    expect(configIssues(configSchema, { ...VALID, timeoutSeconds: 0 })[0]).toMatch(/^timeoutSeconds: /)
    expect(configIssues(configSchema, { ...VALID, receiverAddress: 'receiver' })).toEqual([
      'receiverAddress: must be a 0x-prefixed 20-byte hex address',
    ])
    expect(configIssues(configSchema, { ...VALID, chainSelectorName: 'bitcoin-mainnet' })[0]).toMatch(
      /^chainSelectorName: /,
    )
    expect(configIssues(configSchema, { ...VALID, gasLimit: '5e5' })[0]).toMatch(/^gasLimit: /)
    expect(configIssues(configSchema, { ...VALID, schedule: undefined })).toEqual(['schedule: Required'])
  })
})
