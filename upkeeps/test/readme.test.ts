import { readFileSync } from 'node:fs'
import { formattedReference } from '../cli-spec'

describe('upkeeps/README.md', () => {
  it("holds the reference generated from the CLI's definitions and networks.json", async () => {
    const readme = readFileSync('upkeeps/README.md', 'utf8')
    const start = readme.indexOf('\n', readme.indexOf('<!-- Generated from upkeeps/cli-spec.ts')) + 1
    const end = readme.indexOf('<!-- End of the generated reference. -->')
    expect(start).toBeGreaterThan(0)
    expect(end).toBeGreaterThan(start)
    // On a mismatch: npm run upkeeps -- help --markdown prints the block to paste between the two markers.
    expect(readme.slice(start, end).trim()).toBe((await formattedReference()).trim())
  })
})
