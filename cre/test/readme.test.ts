import { readFileSync } from 'node:fs'
import { formattedReference } from '../cli-spec'

describe('cre/README.md', () => {
  it("holds the reference generated from the CLI's definitions", async () => {
    const readme = readFileSync('cre/README.md', 'utf8')
    const start = readme.indexOf('\n', readme.indexOf('<!-- Generated from cre/cli-spec.ts')) + 1
    const end = readme.indexOf('<!-- End of the generated reference. -->')
    expect(start).toBeGreaterThan(0)
    expect(end).toBeGreaterThan(start)
    // On a mismatch: npm run cre -- help --markdown prints the block to paste between the two markers.
    expect(readme.slice(start, end).trim()).toBe((await formattedReference()).trim())
  })
})
