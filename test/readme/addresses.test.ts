/**
 * Every EVM address written in mixed case in the repository's Markdown passes its EIP-55
 * checksum: an operator copies examples into requests, and an adapter refuses a mixed-case
 * address whose checksum is wrong.
 */
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { getAddress } from 'ethers'

const markdown = execFileSync('git', ['ls-files', '*.md'], { encoding: 'utf8' }).split('\n').filter(Boolean)

/** `address` unless it is mixed case with a wrong checksum. */
function checksumProblem(address: string): string | undefined {
  const hex = address.slice(2)
  if (hex === hex.toLowerCase() || hex === hex.toUpperCase()) return undefined
  try {
    return getAddress(address) === address ? undefined : 'wrong checksum'
  } catch {
    return `wrong checksum (EIP-55: ${getAddress(address.toLowerCase())})`
  }
}

describe('addresses in the Markdown', () => {
  it('finds the Markdown files', () => {
    expect(markdown).toContain('adapters/multichain-supply/README.md')
  })

  it('pass EIP-55 wherever they are written in mixed case', () => {
    const wrong = markdown.flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/0x[0-9a-fA-F]{40}(?![0-9a-fA-F])/g)].flatMap(([address]) => {
        const problem = checksumProblem(address)
        return problem === undefined ? [] : [`${file}: ${address}: ${problem}`]
      }),
    )
    expect(wrong).toEqual([])
  })
})
