/**
 * A node asks the same few requests again and again, each answered from the cache: what does
 * not depend on the request's arrival (its checks, its canonical form, its cache key and feed
 * id) is worked out once per request body, not once per answer. The checks still apply to every
 * new body.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'
import type { TestAdapter } from '@chainlink/external-adapter-framework/util/testing-utils'
import { backgroundTicks } from '#devkit/clock'
import { stopTestAdapter } from '#devkit/test-adapter'
import { inputError } from '../errors'
import { MAX_INPUT_TEXT_LENGTH, canonicalInputs } from '../input'
import { startToyAdapter, type ToyInputs, type ToyTransport } from './toy-adapter'

describe('a request asked again', () => {
  let testAdapter: TestAdapter
  let transport: ToyTransport
  /** The toy's canonical form: the name trimmed; a name that is only spaces is refused. */
  const canonical = jest.fn((inputs: ToyInputs) => {
    if (inputs.name.trim() === '') throw inputError('name: only spaces')
    return { ...inputs, name: inputs.name.trim() }
  })
  const names = Array.from({ length: 1_000 }, (_, i) => `Holder-${i}`)

  beforeAll(async () => {
    ;({ testAdapter, transport } = await startToyAdapter({}, canonicalInputs(canonical)))
  })
  afterAll(async () => {
    await stopTestAdapter(testAdapter)
  })

  const answer = async (data: Record<string, unknown>) => {
    let response = await testAdapter.request(data)
    while (response.statusCode === 504) {
      await backgroundTicks(transport, 1)
      response = await testAdapter.request(data)
    }
    return response
  }

  it('is made canonical once, and the framework works out no feed id of its inputs for it', async () => {
    const data = { name: '  Steady  ', names }
    expect((await answer(data)).json()).toMatchObject({ statusCode: 200 })
    expect(transport.computations).toEqual([{ name: 'Steady', names }])
    canonical.mockClear()
    const stringify = jest.spyOn(JSON, 'stringify')
    try {
      for (let i = 0; i < 10; i++) expect((await answer({ ...data })).statusCode).toBe(200)
      // The framework's feed id and this repository's cache key both serialise the inputs with a replacer.
      const withReplacer = stringify.mock.calls.filter(([, replacer]) => typeof replacer === 'function')
      expect(withReplacer).toEqual([])
    } finally {
      stringify.mockRestore()
    }
    expect(canonical).not.toHaveBeenCalled()
  })

  it('keeps case, and two bodies are two requests', async () => {
    expect((await answer({ name: 'steady', names })).statusCode).toBe(200)
    expect(transport.computations.map((inputs) => inputs.name)).toEqual(['Steady', 'steady'])
  })

  it('is refused every time it is bad, by the framework, the text caps and the endpoint', async () => {
    const refusals = [
      { names }, // no name: the framework's validation
      { name: 'x'.repeat(MAX_INPUT_TEXT_LENGTH + 1) }, // the text caps
      { name: '   ' }, // the endpoint's check
    ]
    for (let i = 0; i < 3; i++) {
      for (const data of refusals) expect((await testAdapter.request(data)).statusCode).toBe(400)
    }
  })
})
