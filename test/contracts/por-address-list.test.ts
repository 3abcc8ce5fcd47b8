import fc from 'fast-check'
import { MaxUint256, Wallet, id, type JsonRpcProvider, type NonceManager } from 'ethers'
import { ARTIFACT, deployPoRAddressList, type PoRAddressList } from '#chain/contracts'
import { eventsOf, mined } from '#chain/events'
import { Role } from '#chain/types'
import { fundedSigner, localProvider } from '#devkit/local-chain'
import { revertOf, simulateDeploy } from './helpers'

const LIST_MANAGER_ROLE = Role.LIST_MANAGER

describe('PoRAddressList', () => {
  let provider: JsonRpcProvider
  let admin: NonceManager
  let adminAddress: string

  const fresh = async (initial: string[] = []): Promise<PoRAddressList> =>
    deployPoRAddressList(admin, adminAddress, initial)

  /**
   * Simulates a deployment (eth_call of the creation code) to see its constructor revert. Reverts are
   * checked with static calls (nothing is sent, so the signer's nonces stay in step); a revert undoes a
   * whole batch either way.
   */
  const deployCall = (adminArg: string, initial: string[]): Promise<string> =>
    simulateDeploy(admin, ARTIFACT.PoRAddressList, adminArg, initial)

  const read = (list: PoRAddressList, start: bigint | number, end: bigint | number): Promise<string[]> =>
    list.getPoRAddressList(start, end).then((batch: string[]) => [...batch])

  beforeAll(async () => {
    provider = localProvider('A')
    admin = await fundedSigner(provider)
    adminAddress = await admin.getAddress()
  })
  afterAll(() => provider.destroy())

  describe('an empty list', () => {
    it.each([
      [0n, 0n],
      [0n, 10n],
      [0n, MaxUint256],
      [3n, 1n],
      [MaxUint256, MaxUint256],
    ])('has length 0 and returns no address for (%s, %s)', async (start, end) => {
      const list = await fresh()
      expect(await list.getPoRAddressListLength()).toBe(0n)
      expect(await read(list, start, end)).toEqual([])
    })
  })

  describe('end-index clamping (endIndex is inclusive, clamped to length − 1)', () => {
    const five = ['bc1qa', 'bc1qb', '3Jb', '1Ac', 'tb1qe']
    let list: PoRAddressList
    beforeAll(async () => {
      list = await fresh(five)
    })

    it.each([
      [0n, 4n, five],
      [0n, 5n, five],
      [0n, 100n, five],
      [0n, MaxUint256, five],
      [1n, 3n, five.slice(1, 4)],
      [2n, 2n, ['3Jb']],
      [0n, 0n, ['bc1qa']],
      [4n, MaxUint256, ['tb1qe']],
      [3n, 2n, []],
      [5n, 10n, []],
      [MaxUint256, MaxUint256, []],
    ])('(%s, %s)', async (start, end, expected) => {
      expect(await read(list, start, end)).toEqual(expected)
    })

    it('returns the whole list for a batch larger than the list, as the interface requires', async () => {
      expect(await list.getPoRAddressListLength()).toBe(5n)
      expect(await read(list, 0, 99)).toEqual(five)
    })
  })

  it('lists the constructor addresses in order, with an event for each', async () => {
    const list = await fresh(['bc1qx', 'bc1qy'])
    const events = await list.queryFilter(list.filters.PoRAddressAdded())
    expect(events.map((e) => ('args' in e ? [e.args[0], e.args[1]] : []))).toEqual([
      [id('bc1qx'), 'bc1qx'],
      [id('bc1qy'), 'bc1qy'],
    ])
    expect(await read(list, 0, 10)).toEqual(['bc1qx', 'bc1qy'])
    expect(await list.isPoRAddress('bc1qx')).toBe(true)
    expect(await list.isPoRAddress('bc1qz')).toBe(false)
  })

  it('adds addresses at the end and emits PoRAddressAdded', async () => {
    const list = await fresh(['a1'])
    const receipt = await mined(list.addAddresses(['b2', 'c3']))
    const logs = eventsOf(receipt, list)
    expect(logs.map((l) => [l.name, l.args[1]])).toEqual([
      ['PoRAddressAdded', 'b2'],
      ['PoRAddressAdded', 'c3'],
    ])
    expect(await read(list, 0, 10)).toEqual(['a1', 'b2', 'c3'])
  })

  it('refuses a duplicate, even within one call, adding none of the batch', async () => {
    const list = await fresh(['a1'])
    expect(
      await revertOf(list.addAddresses.staticCall(['b2', 'a1']), list, 'PoRAddressAlreadyListed'),
    ).toEqual(['a1'])
    expect(
      await revertOf(list.addAddresses.staticCall(['c3', 'c3']), list, 'PoRAddressAlreadyListed'),
    ).toEqual(['c3'])
    expect(await read(list, 0, 10)).toEqual(['a1'])
  })

  it('compares addresses byte for byte (publish one canonical spelling)', async () => {
    const list = await fresh(['bc1qabc'])
    await mined(list.addAddresses(['BC1QABC']))
    expect(await list.getPoRAddressListLength()).toBe(2n)
  })

  it('refuses an empty address', async () => {
    const list = await fresh()
    await revertOf(list.addAddresses.staticCall(['']), list, 'EmptyPoRAddress')
    await revertOf(deployCall(adminAddress, ['ok', '']), list, 'EmptyPoRAddress')
  })

  it('removes an address, moving the last one into its slot, and emits PoRAddressRemoved', async () => {
    const list = await fresh(['a', 'b', 'c', 'd'])
    const receipt = await mined(list.removeAddresses(['b']))
    const [log] = eventsOf(receipt, list)
    expect([log.name, log.args[0], log.args[1]]).toEqual(['PoRAddressRemoved', id('b'), 'b'])
    expect(await read(list, 0, 10)).toEqual(['a', 'd', 'c'])
    expect(await list.isPoRAddress('b')).toBe(false)
    // The moved address is still found where it now is.
    await mined(list.removeAddresses(['d', 'c']))
    expect(await read(list, 0, 10)).toEqual(['a'])
    await mined(list.removeAddresses(['a']))
    expect(await list.getPoRAddressListLength()).toBe(0n)
    expect(await read(list, 0, MaxUint256)).toEqual([])
    // A removed address can be listed again.
    await mined(list.addAddresses(['b']))
    expect(await read(list, 0, 10)).toEqual(['b'])
  })

  it('refuses to remove an address that is not listed (or twice), removing none of the batch', async () => {
    const list = await fresh(['a', 'b'])
    expect(await revertOf(list.removeAddresses.staticCall(['a', 'zz']), list, 'PoRAddressNotListed')).toEqual(
      ['zz'],
    )
    expect(await revertOf(list.removeAddresses.staticCall(['a', 'a']), list, 'PoRAddressNotListed')).toEqual([
      'a',
    ])
    expect(await read(list, 0, 10)).toEqual(['a', 'b'])
  })

  describe('access control', () => {
    it('lets only list managers add and remove', async () => {
      const list = await fresh(['a'])
      const stranger = await fundedSigner(provider)
      const strangerAddress = await stranger.getAddress()
      const asStranger = list.connect(stranger)
      for (const action of [
        () => asStranger.addAddresses.staticCall(['x']),
        () => asStranger.removeAddresses.staticCall(['a']),
      ]) {
        expect(await revertOf(action(), list, 'AccessControlUnauthorizedAccount')).toEqual([
          strangerAddress,
          LIST_MANAGER_ROLE,
        ])
      }
      await mined(list.grantRole(LIST_MANAGER_ROLE, strangerAddress))
      await mined(asStranger.addAddresses(['x']))
      await mined(asStranger.removeAddresses(['a']))
      expect(await read(list, 0, 10)).toEqual(['x'])
      // A manager is not an admin: it cannot hand the role on.
      await revertOf(
        asStranger.grantRole.staticCall(LIST_MANAGER_ROLE, Wallet.createRandom().address),
        list,
        'AccessControlUnauthorizedAccount',
      )
      await mined(list.revokeRole(LIST_MANAGER_ROLE, strangerAddress))
      await revertOf(asStranger.addAddresses.staticCall(['y']), list, 'AccessControlUnauthorizedAccount')
    })

    it('gives the admin both roles and refuses the zero address as admin', async () => {
      const list = await fresh()
      expect(await list.hasRole(await list.DEFAULT_ADMIN_ROLE(), adminAddress)).toBe(true)
      expect(await list.hasRole(LIST_MANAGER_ROLE, adminAddress)).toBe(true)
      expect(await list.LIST_MANAGER_ROLE()).toBe(LIST_MANAGER_ROLE)
      const zero = '0x0000000000000000000000000000000000000000'
      await revertOf(deployCall(zero, []), list, 'ZeroAdmin')
    })
  })

  it('matches a model list through random adds, removes and batch reads', async () => {
    type Op =
      | { kind: 'add'; names: number[] }
      | { kind: 'remove'; names: number[] }
      | { kind: 'read'; start: number; end: number }
    const op = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        names: fc.array(fc.nat(12), { minLength: 1, maxLength: 3 }),
      }),
      fc.record({
        kind: fc.constant('remove' as const),
        names: fc.array(fc.nat(12), { minLength: 1, maxLength: 2 }),
      }),
      fc.record({ kind: fc.constant('read' as const), start: fc.nat(14), end: fc.nat(14) }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops: Op[]) => {
        const list = await fresh()
        const model: string[] = []
        for (const step of ops) {
          if (step.kind === 'read') {
            const last = Math.min(step.end, model.length - 1)
            const expected = step.start > last ? [] : model.slice(step.start, last + 1)
            expect(await read(list, step.start, step.end)).toEqual(expected)
            continue
          }
          const names = step.names.map((n) => `addr-${n}`)
          if (step.kind === 'add') {
            const valid = names.every((n, i) => !model.includes(n) && names.indexOf(n) === i)
            if (valid) {
              await mined(list.addAddresses(names))
              model.push(...names)
            } else {
              await revertOf(list.addAddresses.staticCall(names), list, 'PoRAddressAlreadyListed')
            }
          } else {
            const valid = names.every((n, i) => model.includes(n) && names.indexOf(n) === i)
            if (valid) {
              await mined(list.removeAddresses(names))
              for (const n of names) {
                const at = model.indexOf(n)
                model[at] = model[model.length - 1]
                model.pop()
              }
            } else {
              await revertOf(list.removeAddresses.staticCall(names), list, 'PoRAddressNotListed')
            }
          }
        }
        expect(await list.getPoRAddressListLength()).toBe(BigInt(model.length))
        expect(await read(list, 0, MaxUint256)).toEqual(model)
      }),
      { numRuns: 15 },
    )
  })
})
