import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { ReserveAdapter } from '../adapter'
import { DetailedAdapterError, describeFailure, providerError } from '../errors'
import { ComputeTransport, type ComputedResponse } from '../transport'

const inputParameters = new InputParameters({
  name: { type: 'string', required: true, description: 'a key' },
})
type ToyTypes = {
  Parameters: typeof inputParameters.definition
  Response: { Result: string; Data: { result: string } }
  Settings: typeof config.settings
}
const config = new AdapterConfig({})

/** A transport whose next outcome the test chooses. */
class ToyTransport extends ComputeTransport<ToyTypes> {
  outcome: () => Promise<ComputedResponse<ToyTypes>> = async () => ({ result: '1', data: { result: '1' } })
  compute(): Promise<ComputedResponse<ToyTypes>> {
    return this.outcome()
  }
}

describe('DetailedAdapterError', () => {
  it('describeFailure reports its details; other errors have none', () => {
    const error = new DetailedAdapterError({ statusCode: 503, message: 'm', details: { flag: true } })
    expect(describeFailure(error)).toEqual({ statusCode: 503, message: 'm', details: { flag: true } })
    expect(describeFailure(providerError('p'))).toEqual({ statusCode: 502, message: 'p' })
  })

  describe('in a ComputeTransport', () => {
    const transport = new ToyTransport()
    let testAdapter: TestAdapter
    const params = { name: 'x' }
    const settings = () => testAdapter.adapter.config.settings as ToyTypes['Settings']

    beforeAll(async () => {
      testAdapter = await startTestAdapter(
        new ReserveAdapter({
          name: 'TOY',
          defaultEndpoint: 'toy',
          config,
          endpoints: [new AdapterEndpoint({ name: 'toy', transport, inputParameters })],
        }),
      )
      const first = await testAdapter.request(params)
      expect(first.statusCode).toBe(200)
    })
    afterAll(async () => {
      await stopTestAdapter(testAdapter)
    })

    it('an error without replacesCachedResult leaves an unexpired success in place (the framework cache)', async () => {
      transport.outcome = async () => {
        throw new DetailedAdapterError({ statusCode: 503, message: 'down', details: { flag: true } })
      }
      await transport.computeAndCache(params, settings())
      const res = await testAdapter.request(params)
      expect(res.statusCode).toBe(200)
      expect(res.json().result).toBe('1')
    })

    it('with replacesCachedResult the error replaces the success, its details merged in', async () => {
      transport.outcome = async () => {
        throw new DetailedAdapterError({
          statusCode: 503,
          message: 'withdrawn',
          // Details never override the status code or the message.
          details: { flag: true, reasons: ['a', 'b'], statusCode: 200, errorMessage: 'no' },
          replacesCachedResult: true,
        })
      }
      await transport.computeAndCache(params, settings())
      const res = await testAdapter.request(params)
      expect(res.statusCode).toBe(503)
      const body = res.json()
      expect(body).toMatchObject({
        statusCode: 503,
        errorMessage: 'withdrawn',
        flag: true,
        reasons: ['a', 'b'],
      })
      expect(body).not.toHaveProperty('result')
      expect(body).not.toHaveProperty('data')
    })

    it('a success afterwards replaces the error', async () => {
      transport.outcome = async () => ({ result: '2', data: { result: '2' } })
      await transport.computeAndCache(params, settings())
      const res = await testAdapter.request(params)
      expect(res.statusCode).toBe(200)
      expect(res.json()).not.toHaveProperty('flag')
      expect(res.json().result).toBe('2')
    })
  })
})
