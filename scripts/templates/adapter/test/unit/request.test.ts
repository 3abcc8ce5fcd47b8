import { checkRequest } from '../../src/endpoint/reserves-request'

describe('checkRequest', () => {
  it('takes an account name and decimals from 0 to 36', () => {
    expect(checkRequest({ account: 'acme.main_1~x-y', decimals: 0 })).toEqual({
      account: 'acme.main_1~x-y',
      decimals: 0,
    })
    expect(checkRequest({ account: 'a', decimals: 36 })).toEqual({ account: 'a', decimals: 36 })
  })

  it.each(['', '../admin', 'a/b', 'a b', '-a', 'a?x=1'])(
    'refuses the account %p with a 400 naming it',
    (account) => {
      expect(() => checkRequest({ account, decimals: 18 })).toThrow(
        expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^account must be/) }),
      )
    },
  )

  it.each([-1, 37, 1.5, Number.NaN])('refuses decimals %p with a 400 naming them', (decimals) => {
    expect(() => checkRequest({ account: 'acme', decimals })).toThrow(
      expect.objectContaining({
        statusCode: 400,
        message: expect.stringMatching(/^decimals must be an integer from 0 to 36/),
      }),
    )
  })
})
