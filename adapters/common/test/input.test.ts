import { MAX_INPUT_TEXT_LENGTH, checkName, checkTextLengths, quoteInput } from '#common/input'
import { bodyShapeProblem, loggable } from '#common/server'

describe('quoteInput', () => {
  it('quotes short values whole, and long text by its first 100 characters and its length', () => {
    expect(quoteInput('bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh')).toBe(
      '"bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh"',
    )
    expect(quoteInput(12.5)).toBe('12.5')
    expect(quoteInput('x'.repeat(9_000_000))).toBe(`"${'x'.repeat(100)}…" (9000000 characters)`)
  })
})

describe('checkTextLengths', () => {
  it(`takes text up to ${MAX_INPUT_TEXT_LENGTH} characters at any depth`, () => {
    expect(() =>
      checkTextLengths({ a: 'x'.repeat(MAX_INPUT_TEXT_LENGTH), b: [{ c: 'y' }], d: 5 }),
    ).not.toThrow()
  })

  it('refuses longer text with a 400 naming where it is, quoting a prefix', () => {
    expect(() => checkTextLengths({ addresses: [{ address: 'a' }, { address: 'b'.repeat(5000) }] })).toThrow(
      expect.objectContaining({
        statusCode: 400,
        message: `addresses[1].address: "${'b'.repeat(100)}…" (5000 characters) is longer than 2048 characters`,
      }),
    )
  })
})

describe('checkName', () => {
  it.each(['bitcoin', 'mainnet', 'arbitrum-one', 'base_sepolia', 'A'.repeat(64)])('takes %p', (name) => {
    expect(checkName(name, 'network')).toBe(name)
  })

  it.each(['', '-a', 'main net', 'a'.repeat(65), 5, null])(
    'refuses %p with a 400 naming the field',
    (name) => {
      expect(() => checkName(name, 'network')).toThrow(
        expect.objectContaining({
          statusCode: 400,
          message: expect.stringMatching(/^network: .* is not a name/),
        }),
      )
    },
  )
})

describe('loggable', () => {
  it('cuts texts, lists and depth, whatever their size', () => {
    const list = Array.from({ length: 10_000 }, (_, i) => ({ address: `a${i}`, note: 'n'.repeat(1_000_000) }))
    const logged = JSON.stringify(loggable({ reqBody: { data: { addresses: list } } }))
    expect(logged.length).toBeLessThan(4_000)
    expect(logged).toContain('… (10000 entries)')
    expect(logged).toContain('… (1000000 characters)')
  })

  it('keeps small values as they are', () => {
    const value = { a: 'x', b: [1, 2, { c: true }], d: null }
    expect(loggable(value)).toEqual(value)
  })
})

describe('bodyShapeProblem', () => {
  it.each([
    [null, 'the request body must be a JSON object ({ "id", "data": { … } }), got null'],
    [5, 'the request body must be a JSON object ({ "id", "data": { … } }), got a number'],
    [[], 'the request body must be a JSON object ({ "id", "data": { … } }), got a list'],
    [{ endpoint: 5 }, 'endpoint must be a string'],
    [{ data: 'x' }, 'data must be a JSON object of the inputs'],
    [{ data: { endpoint: [] } }, 'data.endpoint must be a string'],
  ])('refuses %j', (body, problem) => {
    expect(bodyShapeProblem(body)).toBe(problem)
  })

  it.each([{}, { id: '1', data: null }, { endpoint: 'balance', data: { endpoint: 'balance', x: 1 } }])(
    'takes %j',
    (body) => {
      expect(bodyShapeProblem(body)).toBeUndefined()
    },
  )
})
