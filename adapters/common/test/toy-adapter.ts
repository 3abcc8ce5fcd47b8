/**
 * A ReserveAdapter with one endpoint whose ComputeTransport computes whatever the test says:
 * for tests of what adapters/common does around any computation (caching, scheduling,
 * forgetting, metrics).
 */
import { afterAll, beforeAll } from '@jest/globals'
import { AdapterEndpoint } from '@chainlink/external-adapter-framework/adapter'
import { AdapterConfig } from '@chainlink/external-adapter-framework/config'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { InputParameters } from '@chainlink/external-adapter-framework/validation'
import { resetClock } from '#devkit/clock'
import { startTestAdapter, stopTestAdapter } from '#devkit/test-adapter'
import { ReserveAdapter } from '../adapter'
import { ComputeTransport, type ComputedResponse } from '../transport'

export const toyInputParameters = new InputParameters({
  name: { type: 'string', required: true, description: 'a key' },
  names: { type: 'string', array: true, description: 'more of it' },
})
export type ToyInputs = typeof toyInputParameters.validated
export type ToyTypes = {
  Parameters: typeof toyInputParameters.definition
  Response: { Result: string; Data: { result: string } }
  Settings: ReturnType<typeof makeToyConfig>['settings']
}
const makeToyConfig = () => new AdapterConfig({})

/** A transport whose outcome the test chooses, counting its computations. */
export class ToyTransport extends ComputeTransport<ToyTypes> {
  computations: ToyInputs[] = []
  outcome: (inputs: ToyInputs) => Promise<ComputedResponse<ToyTypes>> = async () => ({
    result: '1',
    data: { result: '1' },
  })
  compute(inputs: ToyInputs): Promise<ComputedResponse<ToyTypes>> {
    this.computations.push(inputs)
    return this.outcome(inputs)
  }
}

/** What a test may add to the toy endpoint (its input checks: `canonicalInputs(…)`). */
export type ToyEndpointOptions = Omit<
  ConstructorParameters<typeof AdapterEndpoint<ToyTypes>>[0],
  'name' | 'transport' | 'inputParameters'
>

/** Starts a toy adapter with `env`; its transport, to steer and watch. */
export async function startToyAdapter(
  env: Record<string, string | undefined> = {},
  endpointOptions: ToyEndpointOptions = {},
): Promise<{ testAdapter: TestAdapter; transport: ToyTransport }> {
  const transport = new ToyTransport()
  const testAdapter = await startTestAdapter(
    new ReserveAdapter({
      name: 'TOY',
      defaultEndpoint: 'toy',
      config: makeToyConfig(),
      endpoints: [
        new AdapterEndpoint({
          name: 'toy',
          transport,
          inputParameters: toyInputParameters,
          ...endpointOptions,
        }),
      ],
    }),
    { BACKGROUND_EXECUTE_MS_HTTP: '5', ...env },
  )
  return { testAdapter, transport }
}

/**
 * A toy adapter with its metrics served, for the tests of the calling block: started before
 * them, stopped after them, the clock put back and metrics off again (a test file can serve
 * metrics once). Its handles are set once started.
 */
export function useToyAdapterWithMetrics(env: Record<string, string | undefined> = {}): {
  testAdapter: TestAdapter
  transport: ToyTransport
} {
  const toy = {} as { testAdapter: TestAdapter; transport: ToyTransport }
  beforeAll(async () => {
    Object.assign(toy, await startToyAdapter({ METRICS_ENABLED: 'true', ...env }))
  })
  afterAll(async () => {
    resetClock()
    await stopTestAdapter(toy.testAdapter)
    process.env.METRICS_ENABLED = 'false'
  })
  return toy
}
