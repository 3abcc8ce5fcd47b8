import { test } from '@chainlink/cre-sdk/test'
import { configIssues } from '../testing/config'
import { configSchema, cronPeriodSeconds } from './config'

const VALID = {
  schedule: '0 */10 * * * *',
  adapterUrl: 'http://btc-balance.internal:8080/',
  adapterRequest: { data: { endpoint: 'balance', addresses: [] } },
  decimals: 8,
  chainSelectorName: 'ethereum-testnet-sepolia',
  dataFeedsCacheAddress: '0x5FbDB2315678afecb367f032d93F642f64180aa3',
  dataId: '0x0169bd60410001280000000000000000',
  deviationBps: 100,
  heartbeatSeconds: 3_600,
  deliveryMarginSeconds: 60,
  gasLimit: '500000',
}

describe('por-feed config', () => {
  test('a valid config parses unchanged', () => {
    expect(configSchema.parse(VALID)).toEqual(VALID)
    expect(configSchema.parse({ ...VALID, timeoutSeconds: 30 }).timeoutSeconds).toBe(30)
    expect(configSchema.parse({ ...VALID, asOfField: 'attestedAt' }).asOfField).toBe('attestedAt')
    expect(cronPeriodSeconds(configSchema.parse(VALID))).toBe(600)
  })

  test('the example config is refused until its placeholders are filled in, and only for them', async () => {
    const example = (await import('./config.example.json', { with: { type: 'json' } })).default
    expect(configIssues(configSchema, example)).toEqual([
      'adapterUrl: must be an http(s) URL',
      'dataFeedsCacheAddress: must be a 0x-prefixed 20-byte hex address',
      'dataId: must be a bytes16 data id: 0x and 32 hex digits',
    ])
    const filledIn = {
      ...example,
      adapterUrl: VALID.adapterUrl,
      dataFeedsCacheAddress: VALID.dataFeedsCacheAddress,
      dataId: VALID.dataId,
    }
    expect(configIssues(configSchema, filledIn)).toEqual([])
  })

  test('a heartbeat that cannot hold is refused: it must exceed the cron period plus the delivery margin', () => {
    // every 10 minutes, 60 s margin: 660 s is not enough, 661 s is
    expect(configIssues(configSchema, { ...VALID, heartbeatSeconds: 661 })).toEqual([])
    expect(configIssues(configSchema, { ...VALID, heartbeatSeconds: 660 })).toEqual([
      'heartbeatSeconds: 660 s cannot hold: the schedule waits up to 600 s between runs and a report may take ' +
        'deliveryMarginSeconds (60 s) to land, so readers would see the answer stale before each new one; it ' +
        'must exceed 660 s',
    ])
    // the review's case: a heartbeat equal to the cron period
    expect(configIssues(configSchema, { ...VALID, heartbeatSeconds: 600 })[0]).toMatch(
      /^heartbeatSeconds: 600 s cannot hold/,
    )
    // the longest gap of the schedule counts: weekdays only waits three days over a weekend
    expect(
      configIssues(configSchema, {
        ...VALID,
        schedule: '0 0 12 * * MON-FRI',
        heartbeatSeconds: 86_400 * 2,
      })[0],
    ).toMatch(/^heartbeatSeconds: 172800 s cannot hold: the schedule waits up to 259200 s/)
  })

  test('a schedule whose runs cannot be worked out is refused, naming it', () => {
    expect(configIssues(configSchema, { ...VALID, schedule: '0 0 0 L * *' })).toEqual([
      'schedule: day of month "L" is not a number from 1 to 31',
    ])
  })

  test('the data id must carry the configured decimals', () => {
    expect(configIssues(configSchema, { ...VALID, decimals: 18 })).toEqual([
      'dataId: carries 8 decimals (byte 7 is 0x20 + decimals); decimals is 18',
    ])
    expect(configIssues(configSchema, { ...VALID, dataId: '0x01000000000000ff0000000000000000' })).toEqual([
      'dataId: carries no decimals (byte 7 is 0x20 + decimals); decimals is 8',
    ])
    expect(configIssues(configSchema, { ...VALID, dataId: `0x${'0'.repeat(32)}` })).toContain(
      'dataId: must not be zero',
    )
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
    expect(configIssues(configSchema, { ...VALID, decimals: 65 })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: 8.5 })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: '8' })[0]).toMatch(/^decimals: /)
    expect(configIssues(configSchema, { ...VALID, decimals: undefined })).toEqual(['decimals: Required'])
    expect(configIssues(configSchema, { ...VALID, timeoutSeconds: 0 })[0]).toMatch(/^timeoutSeconds: /)
    expect(configIssues(configSchema, { ...VALID, asOfField: '' })[0]).toMatch(/^asOfField: /)
    expect(configIssues(configSchema, { ...VALID, dataFeedsCacheAddress: 'cache' })).toEqual([
      'dataFeedsCacheAddress: must be a 0x-prefixed 20-byte hex address',
    ])
    expect(configIssues(configSchema, { ...VALID, dataId: '0x0169' })).toEqual([
      'dataId: must be a bytes16 data id: 0x and 32 hex digits',
    ])
    expect(configIssues(configSchema, { ...VALID, deviationBps: 10_001 })[0]).toMatch(/^deviationBps: /)
    expect(configIssues(configSchema, { ...VALID, deviationBps: -1 })[0]).toMatch(/^deviationBps: /)
    expect(configIssues(configSchema, { ...VALID, heartbeatSeconds: 0 })[0]).toMatch(/^heartbeatSeconds: /)
    expect(configIssues(configSchema, { ...VALID, deliveryMarginSeconds: 1.5 })[0]).toMatch(
      /^deliveryMarginSeconds: /,
    )
    expect(configIssues(configSchema, { ...VALID, chainSelectorName: 'bitcoin-mainnet' })[0]).toMatch(
      /^chainSelectorName: /,
    )
    expect(configIssues(configSchema, { ...VALID, gasLimit: '5e5' })[0]).toMatch(/^gasLimit: /)
    expect(configIssues(configSchema, { ...VALID, schedule: undefined })).toEqual(['schedule: Required'])
  })
})
