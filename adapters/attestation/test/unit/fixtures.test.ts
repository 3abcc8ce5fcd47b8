import { describe, expect, it } from '@jest/globals'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { verifyMessage } from 'ethers'
import { readFixture } from '#devkit/fixtures'
import { AUDITOR, IMPOSTOR, type NockDefinition } from '../fixture-data'

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'integration', 'fixtures')
const load = (name: string) => readFixture(join(dir, `${name}.json`)).interactions as NockDefinition[]
const bytesOf = (d: NockDefinition) => Buffer.from(d.response as string, 'hex')

describe('the committed fixtures', () => {
  it('every hex-encoded body is the readable body kept beside it', () => {
    const names = readdirSync(dir).filter((f) => f.endsWith('.json'))
    expect(names.length).toBeGreaterThan(10)
    for (const file of names) {
      for (const d of load(file.replace(/\.json$/, ''))) {
        if (!d.responseIsBinary) continue
        expect(bytesOf(d).toString('utf8')).toBe(d._responseText)
      }
    }
  })

  it('the signed fixtures are what their names say', () => {
    const recover = (name: string) => {
      const [d] = load(name)
      return verifyMessage(bytesOf(d), d.rawHeaders['x-attestation-signature'])
    }
    expect(recover('signed')).toBe(AUDITOR.address)
    expect(recover('signed-wrong-signer')).toBe(IMPOSTOR.address)
    expect([AUDITOR.address, IMPOSTOR.address]).not.toContain(recover('signed-altered'))
    expect(load('signed-missing')[0].rawHeaders).not.toHaveProperty('x-attestation-signature')
  })

  it('the lossless fixture holds a figure a float cannot', () => {
    const text = load('lossless')[0]._responseText!
    expect(text).toContain('"totalReserve":12345678901234567.891')
    expect(String(JSON.parse(text).totalReserve)).not.toBe('12345678901234567.891')
  })
})
