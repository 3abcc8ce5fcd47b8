import { getAddress } from 'ethers'
import { CHECKSUMMED_KEPT, checkEvmAddress } from '#common/evm-address'

const WETH = '0xC02aaA39b223FE8D0A0e5C4F27eAD9083C756Cc2'

describe('checkEvmAddress', () => {
  it('checksums an address in lower or upper case, and takes a checksummed one, each time asked', () => {
    for (let round = 0; round < 2; round++) {
      expect(checkEvmAddress(WETH.toLowerCase(), 'token')).toBe(WETH)
      expect(checkEvmAddress(`0x${WETH.slice(2).toUpperCase()}`, 'token')).toBe(WETH)
      expect(checkEvmAddress(WETH, 'token')).toBe(WETH)
    }
  })

  it('refuses a mixed-case address whose checksum fails, each time asked, naming the field', () => {
    const broken = WETH.replace('aaA', 'aAA')
    for (let round = 0; round < 2; round++) {
      expect(() => checkEvmAddress(broken, 'tokens[0].address')).toThrow(/tokens\[0\]\.address: .* EIP-55/)
    }
    expect(() => checkEvmAddress('0x1234', 'holder')).toThrow(/holder: .* not an EVM address/)
  })

  it('keeps answering right once more addresses were checked than it keeps', () => {
    expect(checkEvmAddress(WETH.toLowerCase(), 'token')).toBe(WETH)
    for (let i = 0; i <= CHECKSUMMED_KEPT; i++) {
      const lower = `0x${i.toString(16).padStart(40, '0')}`
      expect(checkEvmAddress(lower, 'token')).toBe(getAddress(lower))
    }
    expect(checkEvmAddress(WETH.toLowerCase(), 'token')).toBe(WETH)
    expect(() => checkEvmAddress(WETH.replace('aaA', 'aAA'), 'token')).toThrow(/EIP-55/)
  })
})
