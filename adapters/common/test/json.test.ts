import fc from 'fast-check'
import type { AdapterError } from '@chainlink/external-adapter-framework/validation/error'
import {
  DuplicateKeyError,
  JsonNumber,
  findDuplicateKey,
  numericText,
  parseLosslessJson,
  parseProviderJson,
} from '../json'

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

describe('a key twice in one object', () => {
  it.each([
    ['at the top', '{"ripcord":true,"ripcord":false}', 'ripcord'],
    ['as a figure', '{"totalReserve":999999,"a":1,"totalReserve":1}', 'totalReserve'],
    ['in a list entry', '{"token":[{"x":1},{"tokenName":"A","tokenName":"B"}]}', 'token[1].tokenName'],
    ['deep down', '{"a":{"b":[[{"c":{"d":1,"d":2}}]]}}', 'a.b[0][0].c.d'],
    ['spelled with an escape', '{"ripcord":true,"\\u0072ipcord":false}', 'ripcord'],
    ['in a list at the top', '[{"result":"0x1","result":"0x2"}]', '[0].result'],
  ])('%s is refused by the lossless reader, naming where', (_where, text, path) => {
    expect(findDuplicateKey(text)).toBe(path)
    expect(() => parseLosslessJson(text)).toThrow(DuplicateKeyError)
    expect(() => parseLosslessJson(text)).toThrow(`"${path}" appears twice`)
  })

  it('is a 502 naming the provider and the key, not "not JSON"', () => {
    try {
      parseProviderJson('{"ripcord":true,"ripcord":false}', 'client usdx', 'attestation API')
      throw new Error('expected a failure')
    } catch (error) {
      expect((error as AdapterError).statusCode).toBe(502)
      expect((error as AdapterError).message).toBe(
        'client usdx: the attestation API answered an ambiguous body: "ripcord" appears twice in one object',
      )
    }
  })

  it.each([
    ['the same key in two objects', '{"a":{"k":1},"b":{"k":2},"k":3}'],
    [
      'keys and strings holding quotes, braces and escapes',
      '{"k\\"":"}{\\\\","k":"\\"k\\":1,","[":{"k":[]}}',
    ],
    ['keys that differ only in case', '{"Ripcord":true,"ripcord":false}'],
    ['an empty key once', '{"":1}'],
  ])('is not found where there is none: %s', (_title, text) => {
    expect(findDuplicateKey(text)).toBeUndefined()
    expect(() => parseLosslessJson(text)).not.toThrow()
  })

  it('is never found in JSON written from a JavaScript value (every key once)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(findDuplicateKey(JSON.stringify(value))).toBeUndefined()
        expect(findDuplicateKey(JSON.stringify(value, null, 2))).toBeUndefined()
      }),
    )
  })
})
