import { JsonNumber, numericText, parseLosslessJson } from '../json'

describe('parseLosslessJson', () => {
  it('keeps every number as the provider wrote it', () => {
    const parsed = parseLosslessJson(
      '{"a":12345678901234567890.123,"b":[1e3,-0.10],"c":"7","d":null}',
    ) as Record<string, unknown>
    expect(parsed.a).toEqual(new JsonNumber('12345678901234567890.123'))
    expect(parsed.b).toEqual([new JsonNumber('1e3'), new JsonNumber('-0.10')])
    expect(parsed.c).toBe('7')
    expect(parsed.d).toBeNull()
  })

  it('throws on text that is not JSON', () => {
    expect(() => parseLosslessJson('<html>')).toThrow(SyntaxError)
  })
})

describe('numericText', () => {
  it('reads numbers sent as numbers or strings, nothing else', () => {
    expect(numericText(new JsonNumber('1.50'))).toBe('1.50')
    expect(numericText(' 2 ')).toBe('2')
    expect(numericText(null)).toBeUndefined()
    expect(numericText(true)).toBeUndefined()
    expect(numericText(undefined)).toBeUndefined()
  })
})
